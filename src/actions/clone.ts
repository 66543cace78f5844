import { InputError } from '../inputs/errors.ts';
import { optional, parseBoolean, parseChoice, parseName, parseUid, required } from '../inputs/validate.ts';
import { type CloneOptions, clone } from '../operations/clone.ts';
import { type ActionSpec, type Common, dry } from './common.ts';

export type CloneSettings = Common & CloneOptions & { action: 'clone' };

export const cloneAction: ActionSpec<CloneSettings> = {
  inputs: ['template', 'dataset', 'lidar-dataset', 'slice', 'name', 'copy-collaborators', 'approve', 'if-exists'],

  async parse(read, common, context) {
    const dataset = optional(read('dataset'), (v) => parseUid('dataset', v, 'a dataset UID'));
    const lidarDataset = optional(read('lidar-dataset'), (v) => parseUid('lidar-dataset', v, 'a dataset UID'));
    const slice = optional(read('slice'), (v) => parseUid('slice', v, 'a slice UID'));
    if (slice && (dataset || lidarDataset)) {
      throw new InputError(
        'slice',
        'Invalid slice: it cannot be combined with dataset or lidar-dataset. Give a slice or datasets, not both.',
      );
    }
    const template = parseUid(
      'template',
      required(read('template'), 'template', 'the UID of the template project to clone'),
      'a project UID',
    );
    const copyCollaborators = parseBoolean('copy-collaborators', read('copy-collaborators'));
    const approve = parseBoolean('approve', read('approve'));
    const ifExists = parseChoice('if-exists', read('if-exists'), ['reuse', 'fail'] as const);
    if (ifExists === 'fail' && !common.owner) {
      context.warn(
        "Input 'if-exists: fail' needs 'owner' to look the name up; without it the API refuses a duplicate name (409).",
      );
    }
    const name = parseName('name', read('name') || (await context.defaultName()));
    return {
      ...common,
      action: 'clone',
      template,
      dataset,
      lidarDataset,
      slice,
      name,
      copyCollaborators,
      approve,
      ifExists,
    };
  },

  title: (s) => `Avala: clone template ${s.template} as "${s.name}"${s.approve ? ' and approve it' : ''}${dry(s)}`,

  run: clone,
};

/** Where a workflow run comes from: `owner/repo` and the commit, when the runner says. */
export interface WorkflowContext {
  repository: string | undefined;
  sha: string | undefined;
}

/** `<repository>-<short sha>` from the workflow's context, fitted into the 100 characters a name may have. */
export function defaultCloneName(workflow: WorkflowContext): string {
  const repo = workflow.repository?.split('/')[1];
  if (!repo || !workflow.sha) {
    throw new InputError(
      'name',
      'Missing name: expected a project name, since there is no workflow context (GITHUB_REPOSITORY, GITHUB_SHA) to derive one from.',
    );
  }
  const sha = workflow.sha.slice(0, 7);
  return `${repo.slice(0, 100 - sha.length - 1)}-${sha}`;
}
