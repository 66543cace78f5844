import type { DatasetRef } from '../api/types.ts';
import { InputError, show } from '../inputs/errors.ts';
import { fillName, placeholders } from '../inputs/names.ts';
import { parseBoolean, parseChoice, parseNumber, parseUid, required } from '../inputs/validate.ts';
import { labelOf, parseDatasetRef, parseList, showRef } from '../inputs/values.ts';
import { runItems, summarizeItems } from '../operations/batch.ts';
import { type CloneOptions, clone } from '../operations/clone.ts';
import type { Attachments } from '../operations/datasets.ts';
import { type ActionSpec, type Common, dry, type WorkflowContext } from './common.ts';

/** One project to make: its data and its name. */
export interface CloneItem {
  /** The value that made it an item, as given; '' for a clone without data. */
  input: string;
  data: Attachments;
  name: string;
}

export type CloneSettings = Common &
  Omit<CloneOptions, 'data' | 'name'> & {
    action: 'clone';
    /** One per dataset, in input order; a clone with one dataset or none is one item. */
    items: CloneItem[];
  };

const DATA_INPUTS = ['dataset', 'lidar-dataset', 'slice'] as const;

export const cloneAction: ActionSpec<CloneSettings> = {
  inputs: ['template', ...DATA_INPUTS, 'wait-for-dataset', 'name', 'copy-collaborators', 'approve', 'if-exists'],

  parse(read, common, context) {
    const [images, lidars, slices] = DATA_INPUTS.map((input) =>
      parseList(read(input)).map((v) => parseDatasetRef(input, v, input === 'slice' ? 'slice' : 'dataset')),
    ) as [DatasetRef[], DatasetRef[], DatasetRef[]];
    if (slices.length > 0 && (images.length > 0 || lidars.length > 0)) {
      throw new InputError(
        'slice',
        'Invalid slice: it cannot be combined with dataset or lidar-dataset. Give a slice or datasets, not both.',
      );
    }
    const several = DATA_INPUTS.filter((_, i) => ([images, lidars, slices][i]?.length ?? 0) > 1);
    if (several.length > 1) {
      throw new InputError(
        several[1] as string,
        `Invalid ${several[1]}: only one of dataset, lidar-dataset and slice may hold several values, and ${several[0]} does.`,
      );
    }
    const template = parseUid(
      'template',
      required(read('template'), 'template', 'the UID of the template project to clone'),
      'a project UID',
    );
    const copyCollaborators = parseBoolean('copy-collaborators', read('copy-collaborators'));
    const approve = parseBoolean('approve', read('approve'));
    if (approve && images.length + lidars.length + slices.length === 0) {
      throw new InputError(
        'approve',
        'Invalid approve: true needs dataset, lidar-dataset or slice. Approving a project with no data would start billable work on nothing.',
      );
    }
    const ifExists = parseChoice('if-exists', read('if-exists'), ['reuse', 'fail'] as const);
    if (ifExists === 'fail' && !common.owner) {
      context.warn(
        "Input 'if-exists: fail' needs 'owner' to look the name up; without it the API refuses a duplicate name (409).",
      );
    }
    const waitMs =
      parseNumber('wait-for-dataset', read('wait-for-dataset'), { min: 0, max: 21_600, integer: true }) * 1000;
    const data: Attachments[] = (several[0] === 'dataset' ? images : several[0] === 'lidar-dataset' ? lidars : slices)
      .slice(0, several.length > 0 ? undefined : 0)
      .map((ref) => ({
        image: several[0] === 'dataset' ? ref : images[0],
        lidar: several[0] === 'lidar-dataset' ? ref : lidars[0],
        slice: several[0] === 'slice' ? ref : slices[0],
      }));
    if (data.length === 0) data.push({ image: images[0], lidar: lidars[0], slice: slices[0] });
    const items = nameItems(read('name'), data, context.workflow);
    return { ...common, action: 'clone', template, items, copyCollaborators, approve, ifExists, waitMs };
  },

  title: (s) => {
    const [only] = s.items;
    const what = s.items.length === 1 && only ? `as "${only.name}"` : `onto ${s.items.length} datasets`;
    return `Avala: clone template ${s.template} ${what}${s.approve ? ` and approve ${only && s.items.length === 1 ? 'it' : 'them'}` : ''}${dry(s)}`;
  },

  async run(s, api, report) {
    const items = s.items.map((item) => {
      const ref = mainRef(item.data);
      return {
        input: item.input,
        datasetUid: ref && 'uid' in ref ? ref.uid : null,
        title: `Avala: clone template ${s.template} as "${item.name}"${s.approve ? ' and approve it' : ''}${dry(s)}`,
        run: () => clone({ ...s, data: item.data, name: item.name }, api, report),
      };
    });
    return summarizeItems(await runItems(items, report), (c) => {
      const reused = c.total - c.failed - c.created;
      return `Cloned template ${s.template} onto ${c.total} datasets: ${c.created} created, ${reused} reused, ${c.failed} failed.`;
    });
  },
};

function mainRef(data: Attachments): DatasetRef | undefined {
  return data.image ?? data.lidar ?? data.slice;
}

/**
 * Each item's project name from the `name` pattern, or the default: `{repo}-{sha}`
 * for one project, `{repo}-{dataset}` for several. Every name is checked, and no
 * two may be the same, before any request.
 */
function nameItems(given: string, data: Attachments[], workflow: WorkflowContext): CloneItem[] {
  const repo = workflow.repository?.split('/')[1] || undefined;
  const sha = workflow.sha ? workflow.sha.slice(0, 7) : undefined;
  if (!given && (!repo || !sha)) {
    throw new InputError(
      'name',
      'Missing name: expected a project name, since there is no workflow context (GITHUB_REPOSITORY, GITHUB_SHA) to derive one from.',
    );
  }
  const pattern = given || (data.length > 1 ? '{repo}-{dataset}' : '{repo}-{sha}');
  if (data.length > 1 && !placeholders('name', pattern).has('dataset')) {
    throw new InputError(
      'name',
      `Invalid name ${show(pattern)}: with several datasets it must contain {dataset}, so that each project's name differs.`,
    );
  }
  const byName = new Map<string, string>();
  return data.map((d) => {
    const ref = mainRef(d);
    const input = ref ? showRef(ref) : '';
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
