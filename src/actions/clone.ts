import type { DatasetRef } from '../api/types.ts';
import { InputError } from '../inputs/errors.ts';
import { parseBoolean, parseChoice, parseNumber, parseUid, required } from '../inputs/validate.ts';
import { parseDatasetRef, parseList } from '../inputs/values.ts';
import { runItems, stopsTheRun, summarizeItems } from '../procedures/batch.ts';
import { clone } from '../procedures/clone.ts';
import type { Attachments } from '../procedures/datasets.ts';
import { waitForItems } from '../procedures/wait.ts';
import { readConfigJob } from './clone-config.ts';
import { dirItems, mainRef, nameItems } from './clone-items.ts';
import type { CloneSettings } from './clone-settings.ts';
import { cloneConfig, cloneDirs } from './clone-sync.ts';
import { parseUploadInputs } from './clone-upload.ts';
import { type ActionSpec, dry } from './common.ts';

export type { CloneItem } from './clone-items.ts';
export type { CloneSettings } from './clone-settings.ts';

const DATA_INPUTS = ['dataset', 'lidar-dataset', 'slice'] as const;

/** max-new-projects when neither the input nor a config file says: action.yml declares none, so "given" can be told. */
export const DEFAULT_CAP = 20;

export const cloneAction: ActionSpec<CloneSettings> = {
  inputs: [
    'template',
    ...DATA_INPUTS,
    'dataset-dirs',
    'max-new-projects',
    'wait-for-dataset',
    'name',
    'copy-collaborators',
    'approve',
    'if-exists',
    'config',
    'max-stops',
    'upload',
    'data-type',
  ],

  async parse(read, common, context) {
    if (read('config')) {
      const config = await readConfigJob(read, context);
      return { ...common, owner: config.owner, action: 'clone' as const, config, items: [] };
    }
    if (read('max-stops')) {
      context.warn("Input 'max-stops' counts the stops that a config file asks for, and is ignored without config.");
    }
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
    const given = images.length + lidars.length + slices.length;
    const copyCollaborators = parseBoolean('copy-collaborators', read('copy-collaborators'));
    const approve = parseBoolean('approve', read('approve'));
    const ifExists = parseChoice('if-exists', read('if-exists'), ['reuse', 'fail'] as const);
    const maxNew = parseNumber('max-new-projects', read('max-new-projects') || String(DEFAULT_CAP), {
      min: 0,
      max: 10_000,
      integer: true,
    });
    const waitMs =
      parseNumber('wait-for-dataset', read('wait-for-dataset'), { min: 0, max: 21_600, integer: true }) * 1000;
    const dirsValue = read('dataset-dirs');
    const uploads = parseUploadInputs(read, dirsValue !== '', context);
    const dirs = dirsValue
      ? {
          globs: dirsValue,
          items: await dirItems(dirsValue, read, given, common, context.workflow),
          workspace: context.workflow.workspace ?? '',
          ...uploads,
        }
      : undefined;
    if (approve && given === 0 && !dirs) {
      throw new InputError(
        'approve',
        'Invalid approve: true needs dataset, lidar-dataset, slice or dataset-dirs. Approving a project with no data would start billable work on nothing.',
      );
    }
    if (ifExists === 'fail' && !common.owner) {
      context.warn(
        "Input 'if-exists: fail' needs 'owner' to look the name up; without it the API refuses a duplicate name (409).",
      );
    }
    if (!dirs && read('max-new-projects') !== '') {
      context.warn("Input 'max-new-projects' counts the projects of a dataset-dirs run only, and is ignored here.");
    }
    // The input that holds several values makes the items; the others' single values go with each.
    const many = several[0];
    const refs =
      many === 'dataset' ? images : many === 'lidar-dataset' ? lidars : many === 'slice' ? slices : [undefined];
    const data: Attachments[] = refs.map((ref) => ({
      image: many === 'dataset' ? ref : images[0],
      lidar: many === 'lidar-dataset' ? ref : lidars[0],
      slice: many === 'slice' ? ref : slices[0],
    }));
    const settings = { ...common, action: 'clone' as const, template, copyCollaborators, approve, ifExists, waitMs };
    if (dirs) return { ...settings, maxNew, items: dirs.items, dirs };
    return { ...settings, maxNew, items: nameItems(read('name'), data, context.workflow) };
  },

  title: (s) => {
    if (s.config) return `Avala: ${s.config.file} for ${s.config.owner}${dry(s)}`;
    const [only] = s.items;
    const what = s.dirs
      ? `onto the dataset directories ${lines(s.dirs.globs)}`
      : s.items.length === 1 && only
        ? `as "${only.name}"`
        : `onto ${s.items.length} datasets`;
    return `Avala: clone template ${s.template} ${what}${s.approve ? ` and approve ${only && s.items.length === 1 && !s.dirs ? 'it' : 'them'}` : ''}${dry(s)}`;
  },

  async run(s, api, report) {
    if (s.config) return cloneConfig({ ...s, config: s.config }, api, report);
    if (s.dirs) return cloneDirs(lines(s.dirs.globs), { ...s, dirs: s.dirs }, api, report);
    // Several datasets to wait for are waited for together (rule 40): the wait bounds the run, not each dataset.
    let together: Awaited<ReturnType<typeof waitForItems>> | undefined;
    let stop: unknown;
    if (s.waitMs > 0 && !s.dryRun && s.items.length > 1) {
      const wanted = s.items.map((item) => ({
        name: item.name,
        refs: [item.data.image, item.data.lidar].flatMap((r) => (r ? [r] : [])),
      }));
      // A failure every item would meet (a key refused) is the first item's, the rest not tried, as in a run.
      together = await waitForItems(api, wanted, s.owner, report, s).catch((error: unknown) => {
        if (!stopsTheRun(error)) throw error;
        stop = error;
        return undefined;
      });
    }
    const items = s.items.map((item) => {
      const ref = mainRef(item.data);
      return {
        input: item.input,
        datasetUid: ref && 'uid' in ref ? ref.uid : null,
        title: `Avala: clone template ${s.template} as "${item.name}"${s.approve ? ' and approve it' : ''}${dry(s)}`,
        run: () => {
          if (stop !== undefined) throw stop;
          const existing = together?.existing.get(item.name);
          const known = { waited: together?.waited, ...(existing !== undefined ? { existing } : {}) };
          return clone({ ...s, ...known, data: item.data, name: item.name }, api, report);
        },
      };
    });
    const result = summarizeItems(await runItems(items, report), (c) => {
      const rest = `${c.existing} existing, ${c.failed} failed.`;
      return s.dryRun
        ? `Dry run: would clone template ${s.template} onto ${c.total} datasets: ${c.total - c.failed - c.existing} to create, ${rest}`
        : `Cloned template ${s.template} onto ${c.total} datasets: ${c.created} created, ${rest}`;
    });
    return { ...result, created: result.created ?? false, changed: result.changed ?? false };
  },
};

/** The glob lines as a title or message names them. */
function lines(globs: string): string {
  return globs
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean)
    .join(', ');
}
