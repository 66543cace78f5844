/**
 * `config`: the file that says what Avala holds (rule 33) becomes the same
 * typed job as dataset-dirs makes, so no procedure knows which it came from.
 */
import { configError } from '../config/errors.ts';
import type { ConfigFile } from '../config/schema.ts';
import { findDatasetDirs, parseDirGlobs, slugOf } from '../inputs/dataset-dirs.ts';
import { InputError, show } from '../inputs/errors.ts';
import { INPUTS, type InputName, type InputReader } from '../inputs/inputs.ts';
import { parseNumber } from '../inputs/validate.ts';
import type { Kind, SyncItem } from '../procedures/sync.ts';
import type { UploadSettings } from '../procedures/sync-upload.ts';
import { checkDirsName, DIRS_NAME, nameItems, slugMatcher } from './clone-items.ts';
import { uploadSettings } from './clone-upload.ts';
import type { ParseContext } from './common.ts';

/** The inputs the file stands for: given beside `config`, they are refused rather than silently ignored. */
export const COVERED_INPUTS = [
  'template',
  'dataset',
  'lidar-dataset',
  'slice',
  'dataset-dirs',
  'name',
  'approve',
  'owner',
  'if-exists',
  'copy-collaborators',
  'wait-for-dataset',
  'upload',
  'data-type',
] as const satisfies readonly InputName[];

export interface ConfigJob {
  file: string;
  workspace: string;
  owner: string;
  items: SyncItem[];
  maxNew: number;
  maxStops: number;
  waitMs: number;
  copyCollaborators: boolean;
  orphanSlug?: (name: string) => string | undefined;
  upload?: UploadSettings;
  /** Why no orphans are looked for, when the file asks for them but its name pattern cannot tell them. */
  orphansUnlooked?: string;
}

export async function readConfigJob(read: InputReader, context: ParseContext): Promise<ConfigJob> {
  const file = read('config');
  for (const input of COVERED_INPUTS) {
    // The runner passes action.yml's defaults as if given: only another value was set by the workflow.
    if (read(input) !== ((INPUTS[input] as { default?: string }).default ?? '')) {
      throw new InputError(
        input,
        `Invalid ${input}: with config, ${file} says it; remove the input, or set it in the file.`,
      );
    }
  }
  const { workspace } = context.workflow;
  // The YAML parser is loaded only with config: other runs need not pay for it at start-up.
  const { loadConfig } = await import('../config/load.ts');
  const config = await loadConfig(workspace, file);
  const at = (key: string) => config.where.get(key) ?? file;
  const cap = (input: 'max-new-projects' | 'max-stops', fromFile: number) => {
    const given = read(input);
    return given === '' ? fromFile : parseNumber(input, given, { min: 0, max: 10_000, integer: true });
  };
  const name = config.name ?? '';
  const placed = <T>(key: string, fn: () => T): T => {
    try {
      return fn();
    } catch (error) {
      if (error instanceof InputError && error.input !== 'config') throw configError(`${at(key)}: ${error.message}`);
      throw error;
    }
  };
  placed('name', () => checkDirsName('name', name, context.workflow));
  const items = await configItems(config, workspace, at);
  const named = placed('name', () =>
    nameItems(
      name,
      items.map((item) => item.data),
      context.workflow,
      { inputs: items.map((item) => item.input), pattern: DIRS_NAME },
    ),
  );
  const orphanSlug = config.orphans === 'report' ? slugMatcher(name, context.workflow) : undefined;
  return {
    file,
    workspace: workspace ?? '',
    owner: config.owner,
    items: items.map((item, i) => ({ ...item, name: named[i]?.name ?? '' })),
    maxNew: cap('max-new-projects', config.maxNew),
    maxStops: cap('max-stops', config.maxStops),
    waitMs: config.waitSeconds * 1000,
    copyCollaborators: config.copyCollaborators,
    ...(config.upload ? { upload: uploadSettings(read, context, config.uploadWorkers) } : {}),
    ...(orphanSlug ? { orphanSlug } : {}),
    ...(config.orphans === 'report' && !orphanSlug
      ? {
          orphansUnlooked:
            "Orphans are not looked for: the name pattern has no {repo}, so it cannot tell this repository's projects from others.",
        }
      : {}),
  };
}

/** The kinds' directories in the kinds' order, then the `projects` entries that have no directory, in the file's order. */
async function configItems(
  config: ConfigFile,
  workspace: string | undefined,
  at: (key: string) => string,
): Promise<Array<Omit<SyncItem, 'name'>>> {
  const { owner } = config;
  const kindOf = new Map<string, number>();
  const pathOf = new Map<string, string>();
  const items: Array<Omit<SyncItem, 'name'>> = [];
  for (const [i, k] of config.kinds.entries()) {
    const key = `kinds[${i}].dirs`;
    const dirs = await findDatasetDirs(workspace, parseDirGlobs(k.dirs, key), key).catch((error: unknown) => {
      throw error instanceof InputError ? configError(`${at(key)}: ${key}: ${error.message}`) : error;
    });
    const kind: Kind = { template: k.template, approve: k.approve, dataType: k.dataType };
    for (const dir of dirs) {
      const slug = slugOf(dir);
      const other = kindOf.get(dir);
      if (other !== undefined)
        throw configError(
          `${at(key)}: ${key}: ${show(dir)} is matched by kinds[${other}] too; a directory belongs to one kind.`,
        );
      const same = pathOf.get(slug);
      if (same !== undefined) {
        throw configError(
          `${at(key)}: ${key}: ${show(dir)} and ${show(same)} have one name, so they would be one dataset; rename one, or exclude it with a ! line.`,
        );
      }
      kindOf.set(dir, i);
      pathOf.set(slug, dir);
      items.push({ input: dir, data: { auto: { owner, slug } }, kind });
    }
  }
  const templates = new Set(config.kinds.map((k) => k.template.toLowerCase()));
  for (const entry of config.projects) {
    // A template is no dataset's project: a pause or an irreversible cancel of it would stop every create.
    if (entry.project && templates.has(entry.project.toLowerCase())) {
      const key = `projects.${entry.slug}.project`;
      throw configError(
        `${at(key)}: ${key}: ${entry.project} is a kind's template, which no dataset's project can be.`,
      );
    }
    const fields = {
      ...(entry.status ? { desired: entry.status } : {}),
      ...(entry.project ? { adopt: entry.project } : {}),
    };
    const dir = pathOf.get(entry.slug);
    const item = dir === undefined ? undefined : items.find((it) => it.input === dir);
    if (item) Object.assign(item, fields);
    else items.push({ input: `projects.${entry.slug}`, data: { auto: { owner, slug: entry.slug } }, ...fields });
  }
  return items;
}
