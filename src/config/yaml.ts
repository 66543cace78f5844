/**
 * The config file as YAML 1.2 (core schema): read from the checkout, bounded,
 * and parsed into a document whose nodes keep their places in the text, so
 * that every error can say `file:line:column`.
 */
import { lstat, readFile } from 'node:fs/promises';
import { isAbsolute, join } from 'node:path';
import { type Document, LineCounter, type Node, parseDocument, visit } from 'yaml';
import { show } from '../inputs/errors.ts';
import { configError } from './errors.ts';
import { keyText } from './keys.ts';

/** Larger than any config a team writes; a bigger file is a mistake, not a config. */
export const MAX_CONFIG_BYTES = 1024 * 1024;
/** Aliases a document may use: enough for shared values, too few for a billion laughs. */
export const MAX_ALIASES = 100;

export interface ConfigText {
  /** The path as given, which every message names. */
  file: string;
  doc: Document.Parsed;
  /** `file:line:column` of a node, or of an offset into the text. */
  at(node: Node | number | null | undefined): string;
}

/** The file's path inside the checkout: nothing absolute, no `..`, no symbolic link. */
export async function readConfigText(workspace: string | undefined, file: string): Promise<string> {
  const invalid = (why: string) => configError(`Invalid config ${show(file)}: ${why}.`);
  if (isAbsolute(file) || /^[A-Za-z]:/.test(file) || file.includes('\\')) {
    throw invalid('expected a path inside the checkout, such as .github/avala-projects.yml');
  }
  if (file.split('/').some((segment) => segment === '..')) throw invalid('.. segments are refused');
  if (!workspace) throw invalid('GITHUB_WORKSPACE is not set; add actions/checkout as a step before this one');
  const path = join(workspace, file);
  // Each segment is checked, so a linked directory cannot lead out of the checkout either.
  const segments = file.split('/').filter((s) => s !== '' && s !== '.');
  for (let i = 1; i <= segments.length; i++) {
    const stat = await lstat(join(workspace, ...segments.slice(0, i))).catch(() => undefined);
    if (!stat) throw invalid('no such file in the checkout; add actions/checkout before this step, or fix the path');
    if (stat.isSymbolicLink()) throw invalid('symbolic links are refused');
    if (i === segments.length && !stat.isFile()) throw invalid('it is not a file');
    if (i === segments.length && stat.size > MAX_CONFIG_BYTES) throw invalid('it is larger than 1 MB');
  }
  const text = await readFile(path, 'utf8');
  if (text.trim() === '') throw invalid('it is empty; see the README for what it holds');
  return text;
}

/** Parses the text as one YAML 1.2 document; errors name the file, line and column. */
export function parseConfigText(file: string, text: string): ConfigText {
  const lines = new LineCounter();
  const doc = parseDocument(text, {
    schema: 'core',
    // Keys compare as written, as they are read: `0042` and `42` are two slugs.
    uniqueKeys: (a, b) => keyText(a) === keyText(b),
    lineCounter: lines,
    prettyErrors: false,
  });
  const at = locator(file, lines);
  const [error] = doc.errors;
  if (error) {
    // The parser places a duplicate at its key: name it, as every other message does.
    const key = /^[^:#\n]+/.exec(text.slice(error.pos[0]))?.[0]?.trim();
    const why =
      error.code === 'DUPLICATE_KEY'
        ? `${key ? `${key}: ` : ''}the key appears twice in one mapping`
        : firstLine(error.message);
    throw configError(`${at(error.pos[0])}: ${why}.`);
  }
  let aliases = 0;
  let problem: string | undefined;
  visit(doc, {
    Alias(_key, node) {
      aliases += 1;
      if (!node.resolve(doc)) problem ??= `${at(node)}: ${show(`*${node.source}`)} reads as a YAML alias; quote it.`;
    },
    Node(_key, node) {
      if (node.tag && !node.tag.startsWith('tag:yaml.org,2002:')) {
        // An unquoted `!dir` is a YAML tag, and its text is lost: the glob must be quoted.
        const start = text.lastIndexOf('!', node.range?.[0] ?? 0);
        problem ??= `${at(start)}: ${show(node.tag)} reads as a YAML tag; quote it, as in "${node.tag}".`;
      }
    },
  });
  if (problem) throw configError(problem);
  if (aliases > MAX_ALIASES) throw configError(`${file}: more than ${MAX_ALIASES} aliases.`);
  return { file, doc, at };
}

function locator(file: string, lines: LineCounter): ConfigText['at'] {
  return (where) => {
    const offset = typeof where === 'number' ? where : where?.range?.[0];
    if (offset === undefined || offset < 0) return file;
    const { line, col } = lines.linePos(offset);
    return `${file}:${line}:${col}`;
  };
}

function firstLine(text: string): string {
  return text.split('\n')[0]?.replace(/\.$/, '') ?? text;
}
