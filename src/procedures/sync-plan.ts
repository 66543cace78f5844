/**
 * The plan: one pure value, a step per dataset, computed once from the job and
 * what Avala holds (rules 34 and 38). The guard, the summary, the comment, the
 * outputs and the apply all read it, so what a reviewer saw is what the apply does.
 */
import { type Dataset, type Project, showRef, type Transition } from '../api/types.ts';
import { ActionError } from '../errors.ts';
import { show } from '../inputs/errors.ts';
import type { DirScan } from '../upload/scan.ts';
import { type Attachments, DatasetError, fieldFor } from './datasets.ts';
import { type DesiredStatus, decide } from './desired.ts';
import { PLANNED_KINDS, type Planned } from './result.ts';
import type { Readiness } from './wait.ts';

/** How the steps are sent: whose projects, and how long datasets are waited for. */
export interface ApplyOptions extends Readiness {
  owner: string;
  copyCollaborators: boolean;
}

/** Where a kind's projects come from, and what its datasets must be. */
export interface Kind {
  template: string;
  approve: boolean;
  /** With config: the data type every dataset of the kind must have; else any type a project takes. */
  dataType?: 'image' | 'video' | 'lidar';
}

/** One dataset: a directory of a kind, or a `projects` entry without one. */
export interface SyncItem {
  /** The directory's workspace-relative path, or `projects.<slug>`. */
  input: string;
  data: Attachments & { auto: { owner: string; slug: string } };
  name: string;
  /** Absent for an entry without a directory: there is no template to clone from. */
  kind?: Kind;
  desired?: DesiredStatus;
  /** A project UID that is this dataset's project whatever its name. */
  adopt?: string;
}

/** A dataset directory before its kind is known: its path, its dataset and its project's name. */
export type DirItem = Pick<SyncItem, 'input' | 'data' | 'name'>;

export interface Step {
  item: SyncItem;
  planned: Planned;
  /** The project the dataset has now. */
  project?: Project;
  dataset?: Dataset;
  /** A create that approves too. */
  approve?: boolean;
  reason?: string;
  error?: unknown;
  /** An upload: the directory as the plan read it. */
  scan?: DirScan;
  /** A create onto the dataset this run uploaded: waited for even with wait-for-dataset 0 (rule 36). */
  uploaded?: boolean;
  /** Avala has no dataset for the directory, and it needs one: what missing-datasets lists. */
  missing?: boolean;
}

/** What Avala holds for one item: its project (or none), or why it could not be told; and its dataset when read. */
export interface Found {
  project?: Project | undefined;
  error?: unknown;
  dataset?: { read: Dataset } | 'missing' | { error: unknown };
}

/** A transition the file asks for and Avala cannot make, or an entry that names nothing to act on. */
export class PlanError extends ActionError {
  override readonly name = 'PlanError';

  constructor(code: 'invalid-transition' | 'project-not-found' | 'invalid-input', message: string) {
    super(code, message);
  }
}

/** Whether the item needs its dataset read: no project, and the table says to create one. */
export function needsDataset(item: SyncItem, found: Found): boolean {
  if (found.error !== undefined || found.project || !item.kind || item.adopt) return false;
  return decide('none', item.desired, item.kind.approve).step === 'create';
}

export function planStep(item: SyncItem, found: Found): Step {
  if (found.error !== undefined) return { item, planned: 'failed', error: found.error };
  const { project } = found;
  if (item.adopt && !project) {
    return fail(
      item,
      new PlanError(
        'project-not-found',
        `${item.input}: project ${item.adopt} is not among ${item.data.auto.owner}'s projects that this key can see.`,
      ),
    );
  }
  const decision = decide(project?.status ?? 'none', item.desired, item.kind?.approve ?? false);
  const base = { item, ...(project ? { project } : {}) };
  switch (decision.step) {
    case 'refuse':
      return fail(item, new PlanError('invalid-transition', `${item.input}: ${decision.why}.`), project);
    case 'skip':
      return { ...base, planned: 'skip', reason: decision.reason };
    case 'exists':
      return { ...base, planned: 'exists' };
    case 'create':
      return createStep(item, found, decision.approve);
    default:
      return { ...base, planned: decision.step };
  }
}

function createStep(item: SyncItem, found: Found, approve: boolean): Step {
  if (!item.kind) {
    return fail(
      item,
      new PlanError(
        'invalid-input',
        `${item.input}: no project was found for it, and with no directory there is no kind to clone one from. Add its directory under a kind's dirs, or set status to paused, canceled or archived.`,
      ),
    );
  }
  const { dataset } = found;
  if (dataset === undefined || dataset === 'missing') return { item, planned: 'not-uploaded', missing: true };
  if ('error' in dataset) return fail(item, dataset.error);
  const { read } = dataset;
  try {
    const expected = item.kind.dataType;
    if (expected && read.data_type !== expected) {
      throw new DatasetError(
        'unsupported-dataset',
        `Dataset ${showRef(item.data.auto)} is of type ${typeof read.data_type === 'string' ? show(read.data_type) : '(none)'}, and its kind's data-type is ${expected}.`,
      );
    }
    fieldFor(item.data.auto, read);
  } catch (error) {
    return { item, planned: 'failed', dataset: read, error };
  }
  return { item, planned: 'create', dataset: read, approve };
}

function fail(item: SyncItem, error: unknown, project?: Project): Step {
  return { item, planned: 'failed', error, ...(project ? { project } : {}) };
}

/** The steps that stop work, and those that start billable work: what the caps count. */
export const STOPS: readonly Planned[] = ['pause', 'cancel', 'archive'];
export const STARTS: readonly Planned[] = ['create', 'upload', 'approve', 'resume'];

export type Tally = Record<Planned, number> & { createApprove: number };

export function tally(steps: readonly { planned: Planned; approve?: boolean }[]): Tally {
  const counts = { ...Object.fromEntries(PLANNED_KINDS.map((kind) => [kind, 0])), createApprove: 0 } as Tally;
  for (const step of steps) {
    counts[step.planned] += 1;
    if ((step.planned === 'create' || step.planned === 'upload') && step.approve) counts.createApprove += 1;
  }
  return counts;
}

/** The transition a step sends, if any: what a block of one call (rule 39) is matched on. */
export function callOf(planned: Planned): Transition | 'create' | undefined {
  if (planned === 'create') return 'create';
  return (['approve', 'resume', 'pause', 'cancel', 'archive'] as const).find((t) => t === planned);
}
