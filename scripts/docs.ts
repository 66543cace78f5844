/**
 * Keeps what the registry and src/error-codes.ts declare written out where users
 * read it: action.yml's list of actions and the actions each input names first;
 * README.md's inputs and outputs tables (from action.yml) and its error-code
 * table. `npm run docs` rewrites them; a test fails when they are stale.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { ACTIONS, usedBy } from '../src/actions/registry.ts';
import { ERROR_CODES } from '../src/error-codes.ts';
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

/**
 * action.yml with the action input's choices and each input's users (the
 * actions it names first, as actions/cache does) as the registry says them.
 */
export async function renderActionYml(): Promise<{ current: string; expected: string }> {
  const current = await readFile(new URL('action.yml', root), 'utf8');
  const spelled = `${ACTIONS.slice(0, -1).join(', ')} or ${ACTIONS.at(-1)}`;
  let section = '';
  let input = '';
  const expected = current
    .split('\n')
    .map((line) => {
      section = line.match(/^([a-z]+):/)?.[1] ?? section;
      input = line.match(/^ {2}([a-z-]+):$/)?.[1] ?? input;
      if (section === 'outputs' && input === 'error-code' && /^ {4}description: /.test(line)) {
        return `    description: ${quote(errorCodeText())}`;
      }
      if (section !== 'inputs') return line;
      const description = line.match(/^ {4}description: (.*)$/)?.[1];
      if (description === undefined || !(input in INPUTS)) return line;
      const text = unquote(description);
      if (input === 'action') return `    description: ${quote(`What to do: ${spelled}.`)}`;
      const users = usedBy(input as InputName);
      const rest = text.replace(/^[a-z]+(?:, [a-z]+)*: /, '');
      return `    description: ${users.length === ACTIONS.length ? description : quote(`${users.join(', ')}: ${rest}`)}`;
    })
    .join('\n');
  return { current, expected };
}

/** The error-code output's description: every code src/error-codes.ts declares that a failed run can set. */
function errorCodeText(): string {
  const codes = ERROR_CODES.map((e) => e.code as string);
  const api = codes.filter((code) => code.includes('_'));
  const own = codes.filter((code) => !code.includes('_') && !code.startsWith('http-'));
  const named = own.filter((code) => code !== 'not-tried' && code !== 'unexpected');
  return `A failed run: the API's code (${api.join(', ')}), else http-<status>, or ${named.join(', ')}; unexpected for a bug in the action. With several failed items, the first one's.`;
}

function unquote(value: string): string {
  if (value.startsWith('"')) return JSON.parse(value) as string;
  if (value.startsWith("'")) return value.slice(1, -1).replaceAll("''", "'");
  return value;
}

function quote(text: string): string {
  return JSON.stringify(text);
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
  const yml = await renderActionYml();
  if (yml.current !== yml.expected) await writeFile(new URL('action.yml', root), yml.expected);
  console.log(yml.current === yml.expected ? 'action.yml is up to date.' : 'action.yml regenerated from the registry.');
  const { current, expected } = await renderReadme();
  if (current !== expected) await writeFile(new URL('README.md', root), expected);
  console.log(
    current === expected ? 'README.md tables are up to date.' : 'README.md tables regenerated from action.yml.',
  );
}
