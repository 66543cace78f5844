/** The layout CONTRIBUTING.md describes, kept true: small files, no cycles, each folder within its bounds. */
import { readdir, readFile } from 'node:fs/promises';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from './support/run-action.ts';

const SRC = join(ROOT, 'src');

async function sources(dir = SRC): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  const nested = await Promise.all(
    entries.map((e) => (e.isDirectory() ? sources(join(dir, e.name)) : Promise.resolve([join(dir, e.name)]))),
  );
  return nested.flat().filter((f) => f.endsWith('.ts'));
}

/** Every module a file names in an import or re-export, type-only ones included. */
function specifiers(text: string): string[] {
  return [...text.matchAll(/^\s*(?:import|export)\b[^'";]*?from\s+'([^']+)'|import\(\s*'([^']+)'\s*\)/gm)].map(
    (m) => (m[1] ?? m[2]) as string,
  );
}

const files = await sources();
const texts = new Map(await Promise.all(files.map(async (f) => [f, await readFile(f, 'utf8')] as const)));
const rel = (file: string) => relative(SRC, file);

type Graph = Map<string, string[]>;

/** Every import cycle of a graph of files, each as a path of names. */
function cycles(graph: Graph, name: (file: string) => string = (f) => f): string[] {
  const found: string[] = [];
  const state = new Map<string, 'open' | 'done'>();
  const visit = (file: string, path: string[]) => {
    if (state.get(file) === 'done') return;
    if (state.get(file) === 'open') {
      found.push([...path.slice(path.indexOf(file)), file].map(name).join(' → '));
      return;
    }
    state.set(file, 'open');
    for (const next of graph.get(file) ?? []) visit(next, [...path, file]);
    state.set(file, 'done');
  };
  for (const file of graph.keys()) visit(file, []);
  return found;
}

/** The imports of files under `folder` that `allowed` refuses, as [file, import] pairs. */
function refused(texts: Map<string, string>, folder: string, allowed: (specifier: string) => boolean) {
  return [...texts]
    .filter(([file]) => file.startsWith(folder))
    .flatMap(([file, text]) => specifiers(text).map((s) => [file, s] as const))
    .filter(([, s]) => !allowed(s));
}

const inApi = (s: string) => s.startsWith('./') || s.startsWith('node:') || s === 'undici' || s === '../errors.ts';

describe('src/', () => {
  const relTexts = new Map([...texts].map(([f, t]) => [rel(f), t]));

  it('has no file over 200 lines', () => {
    const long = files.filter((f) => (texts.get(f) ?? '').split('\n').length > 201).map(rel);
    expect(long).toEqual([]);
  });

  it('has no import cycle', () => {
    const graph: Graph = new Map(
      files.map((f) => [
        f,
        specifiers(texts.get(f) ?? '')
          .filter((s) => s.startsWith('.'))
          .map((s) => resolve(dirname(f), s)),
      ]),
    );
    expect(cycles(graph, rel)).toEqual([]);
  });

  it('keeps api/ to itself, Node built-ins, undici and the shared error base', () => {
    expect(refused(relTexts, 'api/', inApi)).toEqual([]);
  });

  it('imports @actions/* from the runner adapter only', () => {
    const users = files.filter((f) => specifiers(texts.get(f) ?? '').some((s) => s.startsWith('@actions/'))).map(rel);
    expect(users.length).toBeGreaterThan(0);
    expect(users.filter((f) => !f.startsWith('runner/'))).toEqual([]);
  });

  it('the checks above can fail: they report a cycle and a forbidden import when there is one', () => {
    const graph: Graph = new Map([
      ['a', ['b']],
      ['b', ['c']],
      ['c', ['a']],
      ['d', ['a']],
    ]);
    expect(cycles(graph)).toEqual(['a → b → c → a']);
    const made = new Map([
      ['api/http.ts', "import * as core from '@actions/core';\nimport { x } from './x.ts';"],
      ['api/x.ts', "export { y } from '../inputs/y.ts';\nawait import('undici');"],
    ]);
    expect(refused(made, 'api/', inApi)).toEqual([
      ['api/http.ts', '@actions/core'],
      ['api/x.ts', '../inputs/y.ts'],
    ]);
  });
});
