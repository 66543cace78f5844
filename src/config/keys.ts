/** The config file's keys and what they hold, and how its messages read. */
import { isMap, isScalar, isSeq, type Node } from 'yaml';
import { show } from '../inputs/errors.ts';
import type { DesiredStatus } from '../procedures/desired.ts';

export const DATA_TYPES = ['image', 'video', 'lidar'] as const;
export type DataType = (typeof DATA_TYPES)[number];
export const STATUSES = ['active', 'paused', 'canceled', 'archived'] as const satisfies readonly DesiredStatus[];

export const TOP_KEYS = [
  'owner',
  'kinds',
  'approve',
  'upload',
  'name',
  'wait-for-dataset',
  'copy-collaborators',
  'max-new-projects',
  'max-stops',
  'orphans',
  'projects',
  'upload-workers',
] as const;
export const KIND_KEYS = ['dirs', 'template', 'data-type', 'approve'] as const;
export const ENTRY_KEYS = ['status', 'project'] as const;

/** A key as written: `0042:` is the slug 0042, not the number 42, and `~:` is no null. */
export function keyText(key: unknown): string {
  if (!isScalar(key)) return '';
  return typeof key.source === 'string' ? key.source : String(key.value);
}

export function kindOf(node: Node | null): string {
  if (node === null) return 'nothing';
  if (isMap(node)) return 'mapping';
  if (isSeq(node)) return 'list';
  return 'value';
}

/**
 * An input check's message in the file's words: `Invalid key "x". Expected a UID.`
 * becomes `expected a UID, got "x"`, since the line already names the key.
 */
export function reword(message: string, key: string, value: string): string {
  const text = message.replace(/\.$/, '');
  for (const [prefix, suffix] of [
    [`Invalid ${key} ${show(value)}. `, `, got ${show(value)}`],
    [`Invalid ${key} ${show(value)}: `, ''],
    [`Invalid ${key}: `, ''],
    [`Invalid ${key} `, ''],
  ] as const) {
    if (text.startsWith(prefix)) {
      const rest = text.slice(prefix.length);
      return `${rest.charAt(0).toLowerCase()}${rest.slice(1)}${suffix}`;
    }
  }
  return text;
}

export interface ConfigKind {
  /** The glob lines, as dataset-dirs takes them. */
  dirs: string;
  template: string;
  dataType: DataType;
  approve: boolean;
}

export interface ConfigEntry {
  slug: string;
  status?: DesiredStatus;
  project?: string;
}

/** What the file says, every default filled in. */
export interface ConfigFile {
  owner: string;
  kinds: ConfigKind[];
  approve: boolean;
  upload: boolean;
  name: string | undefined;
  waitSeconds: number;
  copyCollaborators: boolean;
  maxNew: number;
  maxStops: number;
  orphans: 'report' | 'ignore';
  projects: ConfigEntry[];
  uploadWorkers: number;
  /** Where each key path stands, for errors found later (a name pattern, a directory in two kinds). */
  where: Map<string, string>;
}
