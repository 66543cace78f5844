import type { DatasetRef } from '../api/types.ts';
import { InputError } from '../inputs/errors.ts';
import { fillName, placeholders } from '../inputs/names.ts';
import { optional, parseBoolean, parseChoice, parseNumber, parseUid, required } from '../inputs/validate.ts';
import { parseDatasetRef, parseList } from '../inputs/values.ts';
import { runItems, summarizeItems } from '../operations/batch.ts';
import { type CloneOptions, clone } from '../operations/clone.ts';
import type { Attachments } from '../operations/datasets.ts';
import {
  type CloneItem,
  type DatasetDirs,
  DIRS_NAME,
  discover,
  mainRef,
  nameItems,
  nameValues,
  parseDirs,
  severalNeedDataset,
} from './clone-items.ts';
import { type ActionSpec, type Common, dry } from './common.ts';

export type { CloneItem, DatasetDirs } from './clone-items.ts';

export type CloneSettings = Common &
  Omit<CloneOptions, 'data' | 'name'> & {
    action: 'clone';
    /** One per dataset, in input order; a clone with one dataset or none is one item. */
    items: CloneItem[];
    /** With dataset-dirs, the items come from the push at run time. */
    dirs?: DatasetDirs;
  };

const DATA_INPUTS = ['dataset', 'lidar-dataset', 'slice'] as const;

export const cloneAction: ActionSpec<CloneSettings> = {
  inputs: [
    'template',
    ...DATA_INPUTS,
    'dataset-dirs',
    'github-token',
    'wait-for-dataset',
    'name',
    'copy-collaborators',
    'approve',
    'if-exists',
  ],

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
    const dirs = optional(read('dataset-dirs'), (value) =>
      parseDirs(value, images.length + lidars.length + slices.length, common),
    );
    const copyCollaborators = parseBoolean('copy-collaborators', read('copy-collaborators'));
    const approve = parseBoolean('approve', read('approve'));
    if (approve && images.length + lidars.length + slices.length === 0 && !dirs) {
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
    // The input that holds several values makes the items; the others' single values go with each.
    const many = several[0];
    const refs =
      many === 'dataset' ? images : many === 'lidar-dataset' ? lidars : many === 'slice' ? slices : [undefined];
    const data: Attachments[] = refs.map((ref) => ({
      image: many === 'dataset' ? ref : images[0],
      lidar: many === 'lidar-dataset' ? ref : lidars[0],
      slice: many === 'slice' ? ref : slices[0],
    }));
    const clone = { ...common, action: 'clone' as const, template, copyCollaborators, approve, ifExists, waitMs };
    if (dirs) {
      const { changedFiles } = context;
      if (!changedFiles) throw new Error('dataset-dirs needs the runner to say what the event changed');
      // Each name is checked once the directories are known; the pattern is checked now, before anything is sent.
      fillName('name', read('name') || DIRS_NAME, { dataset: 'x', ...nameValues(context.workflow) });
      if (read('name') && !placeholders('name', read('name')).has('dataset')) throw severalNeedDataset(read('name'));
      return {
        ...clone,
        items: [],
        dirs: { globs: dirs, name: read('name'), workflow: context.workflow, changedFiles },
      };
    }
    return { ...clone, items: nameItems(read('name'), data, context.workflow) };
  },

  title: (s) => {
    const [only] = s.items;
    const what = s.dirs
      ? `onto the datasets changed in ${s.dirs.globs.join(', ')}`
      : s.items.length === 1 && only
        ? `as "${only.name}"`
        : `onto ${s.items.length} datasets`;
    return `Avala: clone template ${s.template} ${what}${s.approve ? ` and approve ${only && s.items.length === 1 ? 'it' : 'them'}` : ''}${dry(s)}`;
  },

  async run(s, api, report) {
    const found = s.dirs ? await discover(s.dirs, s.owner ?? '', report) : undefined;
    if (found?.length === 0)
      return { summary: 'No dataset directory changed: nothing to do.', items: [], projects: [] };
    const items = (found ?? s.items).map((item) => {
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
