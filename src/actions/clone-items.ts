/** The items of a clone: one per dataset, each with its project's name; with dataset-dirs, found in the push. */
import { type DatasetRef, showRef } from '../api/types.ts';
import { InputError, show } from '../inputs/errors.ts';
import { dirsMatching, parseGlobs } from '../inputs/globs.ts';
import { fillName, placeholders } from '../inputs/names.ts';
import { isSlug, labelOf } from '../inputs/values.ts';
import type { Attachments } from '../operations/datasets.ts';
import type { Reporter } from '../operations/reporter.ts';
import type { Common, WorkflowContext } from './common.ts';

/** One project to make: its data and its name. */
export interface CloneItem {
  /** The value that made it an item, as given; '' for a clone without data. */
  input: string;
  data: Attachments;
  name: string;
}

/** dataset-dirs: which directories become datasets, and how to learn what the push changed. */
export interface DatasetDirs {
  globs: string[];
  /** The `name` input as given; '' for the default. */
  name: string;
  workflow: WorkflowContext;
  changedFiles: () => Promise<string[]>;
}

export function mainRef(data: Attachments): DatasetRef | undefined {
  return data.image ?? data.lidar ?? data.slice ?? data.auto;
}

/** The default name with dataset-dirs, and for several datasets: a later push to the same directory finds it. */
export const DIRS_NAME = '{repo}-{dataset}';

export function nameValues(workflow: WorkflowContext): { repo: string | undefined; sha: string | undefined } {
  return {
    repo: workflow.repository?.split('/')[1] || undefined,
    sha: workflow.sha ? workflow.sha.slice(0, 7) : undefined,
  };
}

export function severalNeedDataset(pattern: string): InputError {
  return new InputError(
    'name',
    `Invalid name ${show(pattern)}: with several datasets it must contain {dataset}, so that each project's name differs.`,
  );
}

export function parseDirs(value: string, datasets: number, common: Common): string[] {
  if (datasets > 0) {
    throw new InputError(
      'dataset-dirs',
      'Invalid dataset-dirs: it cannot be combined with dataset, lidar-dataset or slice; the push names the datasets.',
    );
  }
  if (!common.owner) {
    throw new InputError(
      'dataset-dirs',
      'Missing owner: dataset-dirs needs the owner whose datasets the directories are named after (owner/<directory name>).',
    );
  }
  return parseGlobs('dataset-dirs', value);
}

/**
 * The items of a push: each directory matching a glob under which the event
 * added or modified a file becomes the dataset owner/<directory name>.
 */
export async function discover(dirs: DatasetDirs, owner: string, report: Reporter): Promise<CloneItem[]> {
  const found = dirsMatching(await dirs.changedFiles(), dirs.globs);
  if (found.length === 0) {
    report.notice(
      `No directory matching ${dirs.globs.join(', ')} has files that this event added or modified: no project to make.`,
      'Avala: no dataset changed',
    );
    return [];
  }
  report.info(`Changed dataset directories: ${found.join(', ')}`);
  const data = found.map((dir) => ({ auto: { owner, slug: dir.slice(dir.lastIndexOf('/') + 1) } }));
  const bad = data.find((d) => !isSlug(d.auto.slug));
  if (bad) {
    throw new InputError(
      'dataset-dirs',
      `Invalid dataset directory ${show(bad.auto.slug)}: a directory that dataset-dirs matches is named after its dataset's slug (lower-case letters, digits, - and _).`,
    );
  }
  return nameItems(dirs.name, data, dirs.workflow, { inputs: found, pattern: DIRS_NAME });
}

/**
 * Each item's project name from the `name` pattern, or the default: `{repo}-{sha}`
 * for one project, `{repo}-{dataset}` for several. Every name is checked, and no
 * two may be the same, before any request.
 */
export function nameItems(
  given: string,
  data: Attachments[],
  workflow: WorkflowContext,
  found?: { inputs: string[]; pattern: string },
): CloneItem[] {
  const { repo, sha } = nameValues(workflow);
  if (!given && (!repo || !sha)) {
    throw new InputError(
      'name',
      'Missing name: expected a project name, since there is no workflow context (GITHUB_REPOSITORY, GITHUB_SHA) to derive one from.',
    );
  }
  // The directories of a push are named by {dataset} even when there is one, so a later push finds its project.
  const pattern = given || found?.pattern || (data.length > 1 ? DIRS_NAME : '{repo}-{sha}');
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
