/** The items of a clone: one per dataset, each with its project's name; with dataset-dirs, one per directory. */
import { type DatasetRef, showRef } from '../api/types.ts';
import { findDatasetDirs, parseDirGlobs, slugOf } from '../inputs/dataset-dirs.ts';
import { InputError, show } from '../inputs/errors.ts';
import type { InputReader } from '../inputs/inputs.ts';
import { fillName, placeholders } from '../inputs/project-names.ts';
import { labelOf } from '../inputs/values.ts';
import type { Attachments } from '../procedures/datasets.ts';
import type { DirItem } from '../procedures/sync.ts';
import type { Common, WorkflowContext } from './common.ts';

/** One project to make: its data and its name. */
export interface CloneItem {
  /** The value that made it an item, as given; '' for a clone without data. */
  input: string;
  data: Attachments;
  name: string;
}

export function mainRef(data: Attachments): DatasetRef | undefined {
  return data.image ?? data.lidar ?? data.slice ?? data.auto;
}

/** The default name with dataset-dirs or config, and for several datasets: a later run finds each project by it. */
export const DIRS_NAME = '{repo}-{dataset}';

function nameValues(workflow: WorkflowContext): { repo: string | undefined; sha: string | undefined } {
  return {
    repo: workflow.repository?.split('/')[1] || undefined,
    sha: workflow.sha ? workflow.sha.slice(0, 7) : undefined,
  };
}

function severalNeedDataset(pattern: string): InputError {
  return new InputError(
    'name',
    `Invalid name ${show(pattern)}: with several datasets it must contain {dataset}, so that each project's name differs.`,
  );
}

/**
 * dataset-dirs: every matching directory of the checkout is one item, the
 * dataset owner/<directory name>. What would make a new project, or a failure,
 * on every run of a level-triggered workflow is refused before any request.
 */
export async function dirItems(
  value: string,
  read: InputReader,
  others: number,
  common: Common,
  workflow: WorkflowContext,
): Promise<DirItem[]> {
  if (others > 0) {
    throw new InputError(
      'dataset-dirs',
      'Invalid dataset-dirs: it cannot be combined with dataset, lidar-dataset or slice; the directories name the datasets.',
    );
  }
  const { owner } = common;
  if (!owner) {
    throw new InputError(
      'dataset-dirs',
      'Missing owner: dataset-dirs needs the owner whose datasets the directories are named after (owner/<directory name>).',
    );
  }
  const name = read('name');
  checkDirsName('name', name, workflow);
  if (read('if-exists') === 'fail') {
    throw new InputError(
      'if-exists',
      'Invalid if-exists: fail with dataset-dirs would fail every run after the first, which finds the projects it made. Use reuse.',
    );
  }
  const dirs = await findDatasetDirs(workflow.workspace, parseDirGlobs(value));
  const data = dirs.map((dir) => ({ auto: { owner, slug: slugOf(dir) } }));
  return nameItems(name, data, workflow, { inputs: dirs, pattern: DIRS_NAME });
}

/**
 * A name pattern for datasets of the checkout: it holds {dataset}, since one
 * directory today may be several tomorrow, and no {sha}, or every run would
 * make new projects. Checked even when nothing matches, so a mistake shows on the first run.
 */
export function checkDirsName(input: string, name: string, workflow: WorkflowContext): void {
  const used = placeholders(input, name || DIRS_NAME);
  if (name && !used.has('dataset')) {
    throw new InputError(
      input,
      `Invalid ${input} ${show(name)}: with dataset directories it must contain {dataset}, since one directory today may be several tomorrow.`,
    );
  }
  if (used.has('sha')) {
    throw new InputError(
      input,
      `Invalid ${input} ${show(name)}: with dataset directories it must not contain {sha}, or every run would make new projects for the same directories ({{sha}} is literal text).`,
    );
  }
  fillName(input, name || DIRS_NAME, { dataset: 'x', ...nameValues(workflow) });
}

/**
 * The slug a project name was made for by the pattern, if the pattern gives
 * that name for some slug: how orphans are told (rule 35). Undefined too for
 * a pattern without {repo}, which cannot tell this repository's projects.
 */
export function slugMatcher(
  name: string,
  workflow: WorkflowContext,
): ((project: string) => string | undefined) | undefined {
  const pattern = name || DIRS_NAME;
  const values = nameValues(workflow);
  if (!placeholders('name', pattern).has('repo') || !values.repo) return undefined;
  const literal = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  // {repo} as written, or, for the default pattern's names of 100 characters, as it is shortened: every
  // prefix, longest first, so that a hyphen in the repository's name cannot move the split.
  const repo = [...values.repo];
  const prefixes = name ? [values.repo] : repo.map((_, i) => repo.slice(0, repo.length - i).join(''));
  const matcher = (repos: string[]) =>
    new RegExp(
      `^${pattern
        .split(/(\{\{|\}\}|\{dataset\}|\{repo\})/)
        .map((part) =>
          part === '{dataset}'
            ? '([a-z0-9][a-z0-9_-]{0,99})'
            : part === '{repo}'
              ? `(?:${repos.map(literal).join('|')})`
              : literal(part === '{{' ? '{' : part === '}}' ? '}' : part),
        )
        .join('')}$`,
    );
  const whole = matcher([values.repo]);
  const shortened = matcher(prefixes);
  return (project) => {
    const slug = (whole.exec(project) ?? ([...project].length === 100 ? shortened.exec(project) : null))?.[1];
    if (slug === undefined) return undefined;
    // The pattern must give exactly this name for the slug, the default's shortened {repo} included.
    try {
      return fillName('name', pattern, { dataset: slug, ...values }, !name) === project ? slug : undefined;
    } catch {
      return undefined;
    }
  };
}

/**
 * Each item's project name from the `name` pattern, or the default: `{repo}-{sha}`
 * for one project, `{repo}-{dataset}` for several. Every name is checked, and no
 * two may be the same, before any request.
 */
export function nameItems<D extends Attachments>(
  given: string,
  data: D[],
  workflow: WorkflowContext,
  found?: { inputs: string[]; pattern: string },
): Array<CloneItem & { data: D }> {
  const { repo, sha } = nameValues(workflow);
  // Directories are named by {dataset} even when there is one, so a later run finds its project.
  const pattern = given || found?.pattern || (data.length > 1 ? DIRS_NAME : '{repo}-{sha}');
  if (!given && [...placeholders('name', pattern)].some((p) => (p === 'repo' ? !repo : p === 'sha' && !sha))) {
    throw new InputError(
      'name',
      'Missing name: expected a project name, since there is no workflow context (GITHUB_REPOSITORY, GITHUB_SHA) to derive one from.',
    );
  }
  if (data.length > 1 && !placeholders('name', pattern).has('dataset')) throw severalNeedDataset(pattern);
  const byName = new Map<string, string>();
  return data.map((d, i) => {
    const ref = mainRef(d);
    const input = found?.inputs[i] ?? (ref ? showRef(ref) : '');
    const name = fillName('name', pattern, { dataset: ref && labelOf(ref), repo, sha }, !given);
    const other = byName.get(name);
    if (other !== undefined) {
      throw new InputError(
        'name',
        `Invalid name ${show(pattern)}: the projects for ${other} and ${input} would both be named ${show(name)}.`,
      );
    }
    byName.set(name, input);
    return { input, data: d, name };
  });
}
