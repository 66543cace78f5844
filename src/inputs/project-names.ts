/**
 * Project names from a pattern: `{dataset}`, `{repo}` and `{sha}` filled in,
 * `{{` and `}}` for literal braces. Every name is checked before any request.
 */
import { InputError, show } from './errors.ts';
import { parseName } from './validate.ts';

export interface NameValues {
  /** The item's dataset label; undefined when the item has no dataset. */
  dataset: string | undefined;
  /** The repository's name, without its owner; undefined outside a workflow. */
  repo: string | undefined;
  /** The commit's first 7 characters; undefined outside a workflow. */
  sha: string | undefined;
}

const PLACEHOLDER = /\{\{|\}\}|\{([^{}]*)\}|[{}]/g;

/** The placeholders a pattern uses, or an InputError for one it does not know. */
export function placeholders(input: string, pattern: string): Set<keyof NameValues> {
  const used = new Set<keyof NameValues>();
  for (const [token, name] of pattern.matchAll(PLACEHOLDER)) {
    if (token === '{{' || token === '}}') continue;
    if (name === 'dataset' || name === 'repo' || name === 'sha') {
      used.add(name);
      continue;
    }
    throw new InputError(
      input,
      `Invalid ${input} ${show(pattern)}: unknown placeholder ${show(token)}. Use {dataset}, {repo} or {sha}, and {{ or }} for a literal brace.`,
    );
  }
  return used;
}

/** The pattern with its placeholders filled in, checked as a project name. */
export function fillName(input: string, pattern: string, values: NameValues, repoRoom = false): string {
  const missing = [...placeholders(input, pattern)].find((name) => values[name] === undefined);
  if (missing) {
    const why =
      missing === 'dataset'
        ? 'needs a dataset, lidar-dataset or slice'
        : 'needs the workflow context (GITHUB_REPOSITORY, GITHUB_SHA)';
    throw new InputError(input, `Invalid ${input} ${show(pattern)}: {${missing}} ${why}.`);
  }
  const fill = (repo: string | undefined) =>
    pattern.replace(PLACEHOLDER, (token: string, name: string | undefined) => {
      if (token === '{{' || token === '}}') return token[0] as string;
      return (name === 'repo' ? repo : values[name as keyof NameValues]) ?? '';
    });
  let name = fill(values.repo);
  // A default name gives up the end of the repository's name to stay within 100 characters.
  const over = [...name].length - 100;
  if (repoRoom && over > 0 && values.repo) {
    const repo = [...values.repo];
    name = fill(repo.slice(0, Math.max(1, repo.length - over)).join(''));
  }
  return parseName(input, name);
}
