/**
 * Keeps README.md's inputs and outputs tables generated from action.yml, and
 * its error-code table from src/errors.ts, where the codes are declared.
 * `npm run docs` rewrites them; a test fails when they are stale.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { usedBy } from '../src/actions/registry.ts';
import { ERROR_CODES } from '../src/errors.ts';
import { INPUTS, type InputName, type InputSpec } from '../src/inputs/inputs.ts';

interface ActionYaml {
  inputs: Record<string, { description: string; required?: boolean; default?: string }>;
  outputs: Record<string, { description: string }>;
}

const root = new URL('../', import.meta.url);

function cell(text: string): string {
  // Markdown would take <repository> for an HTML tag and hide it.
  return text.replace(/\|/g, '\\|').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/\s+/g, ' ').trim();
}

export function tables(action: ActionYaml): { inputs: string; outputs: string; errors: string } {
  const required = (name: string) => {
    const by = (INPUTS[name as InputName] as InputSpec | undefined)?.requiredBy;
    return by === 'users' ? usedBy(name as InputName).join(', ') : (by ?? 'no');
  };
  const inputs = [
    '| input | required | default | description |',
    '| --- | --- | --- | --- |',
    ...Object.entries(action.inputs).map(
      ([name, spec]) =>
        `| \`${name}\` | ${required(name)} | ${spec.default === undefined ? '' : `\`${spec.default}\``} | ${cell(spec.description)} |`,
    ),
  ].join('\n');
  const outputs = [
    '| output | description |',
    '| --- | --- |',
    ...Object.entries(action.outputs).map(([name, spec]) => `| \`${name}\` | ${cell(spec.description)} |`),
  ].join('\n');
  const errors = [
    '| error-code | cause | fix |',
    '| --- | --- | --- |',
    ...ERROR_CODES.map((e) => `| \`${e.code}\` | ${cell(e.cause)} | ${cell(e.fix)} |`),
  ].join('\n');
  return { inputs, outputs, errors };
}

/** README.md with its generated sections replaced by what action.yml says now. */
export async function renderReadme(): Promise<{ current: string; expected: string }> {
  const action = parse(await readFile(new URL('action.yml', root), 'utf8')) as ActionYaml;
  const current = await readFile(new URL('README.md', root), 'utf8');
  const generated = tables(action);
  let expected = current;
  for (const [name, table] of Object.entries(generated)) {
    const pattern = new RegExp(`(<!-- ${name}:start[^>]*-->)[\\s\\S]*?(<!-- ${name}:end -->)`);
    if (!pattern.test(expected))
      throw new Error(`README.md lacks the <!-- ${name}:start --> … <!-- ${name}:end --> markers`);
    expected = expected.replace(pattern, (_m, start: string, end: string) => `${start}\n${table}\n${end}`);
  }
  return { current, expected };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { current, expected } = await renderReadme();
  if (current !== expected) await writeFile(new URL('README.md', root), expected);
  console.log(
    current === expected ? 'README.md tables are up to date.' : 'README.md tables regenerated from action.yml.',
  );
}
