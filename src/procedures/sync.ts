/**
 * dataset-dirs: the checkout becomes projects. Every directory is looked up
 * and planned before anything changes (rules 28 and 30); the billable starts
 * are counted against max-new-projects (rule 29); then each directory is
 * brought to its plan, one item at a time, or, in a dry run, the plan is told.
 */
import type { AvalaClient } from '../api/client.ts';
import type { Dataset, Project } from '../api/types.ts';
import { ActionError, describeFailure } from '../errors.ts';
import { notTried, runItems, stopsTheRun } from './batch.ts';
import { type CloneOptions, clone } from './clone.ts';
import { type Attachments, DatasetError, fieldFor, findDataset } from './datasets.ts';
import { findByNames, type Lookups } from './lookup.ts';
import type { Reporter } from './reporter.ts';
import { type ItemResult, PartialFailure, type Planned, type ProcedureResult } from './result.ts';

/** One directory: its path, its dataset and its project's name. */
export interface DirItem {
  input: string;
  data: Attachments & { auto: { owner: string; slug: string } };
  name: string;
}

export interface SyncOptions extends Omit<CloneOptions, 'data' | 'name' | 'existing' | 'dataset' | 'owner'> {
  owner: string;
  items: DirItem[];
  /** The most billable starts (projects to create, existing ones to approve) one run may make. */
  maxNew: number;
}

interface Plan {
  item: DirItem;
  planned: Planned;
  existing?: Project;
  dataset?: Dataset;
  error?: unknown;
}

export async function sync(s: SyncOptions, api: AvalaClient, report: Reporter): Promise<ProcedureResult> {
  const plans: Plan[] = [];
  try {
    const lookups = await findByNames(
      api,
      s.owner,
      s.items.map((item) => item.name),
    );
    for (const item of s.items) plans.push(await plan(item, lookups, s, api));
  } catch (error) {
    // A failure every item would meet alike (a key refused, another origin) stops the run before any change.
    return stopped(s, plans, error);
  }
  const missingDatasets = plans.filter((p) => p.planned === 'not-uploaded').map((p) => p.item.input);
  // In a plan, a directory not uploaded yet counts too: the upload that follows makes it a project to create.
  const upload = s.dryRun ? missingDatasets.length : 0;
  const starts = { create: tally(plans, 'create') + upload, approve: tally(plans, 'approve') };
  const guard =
    starts.create + starts.approve > s.maxNew ? new TooManyProjectsError(starts, s.maxNew, s.approve) : undefined;
  // A real run stops before it changes anything; a dry run tells its whole plan first.
  if (guard && !s.dryRun) {
    const items = plans.map((p) => ({ input: p.item.input, datasetUid: p.dataset?.uid ?? null, error: guard }));
    const nothing = { created: false, changed: false, projects: [], missingDatasets };
    throw new PartialFailure(guard, { summary: guard.message, items, ...nothing });
  }

  const results = await runItems(
    plans.map((p) => ({
      input: p.item.input,
      datasetUid: p.dataset?.uid ?? null,
      title: `Avala: ${p.item.input} → "${p.item.name}"${s.dryRun ? ' (dry run)' : ''}`,
      // Hundreds of directories that need nothing would otherwise fill the log with groups of one line.
      group: p.planned !== 'exists',
      run: () => apply(p, s, api, report),
    })),
    report,
  );
  const items: ItemResult[] = results.map((r, i) => {
    const p = plans[i];
    if (!s.dryRun || !p) return r;
    return { ...r, planned: planOf(r, p), plan: { name: p.item.name, approve: s.approve } };
  });
  const projects = items.flatMap((r) => (r.project ? [r.project] : []));
  const result: ProcedureResult = {
    summary: s.dryRun ? planHeadline(items, s.approve) : doneHeadline(items, s.approve),
    items,
    projects,
    ...(projects.length === 1 && items.length === 1 ? { project: projects[0] } : {}),
    created: items.some((r) => r.created),
    changed: items.some((r) => r.changed),
    missingDatasets,
  };
  if (guard) throw new PartialFailure(guard, result);
  return result;
}

/**
 * What a directory needs: its project found, or its dataset read to see whether
 * a clone can be made. A failure of this directory alone is its plan; one that
 * would fail every directory is thrown.
 */
async function plan(item: DirItem, lookups: Lookups, s: SyncOptions, api: AvalaClient): Promise<Plan> {
  const failed = lookups.failed.get(item.name);
  if (failed !== undefined) return { item, planned: 'failed', error: failed };
  const existing = lookups.found.get(item.name);
  if (existing) {
    return { item, existing, planned: s.approve && existing.status === 'pending-approval' ? 'approve' : 'exists' };
  }
  let dataset: Dataset | undefined;
  try {
    dataset = await findDataset(api, item.data.auto);
    fieldFor(item.data.auto, dataset);
    return { item, dataset, planned: 'create' };
  } catch (error) {
    if (error instanceof DatasetError && error.errorCode === 'dataset-not-found') {
      return { item, planned: 'not-uploaded' };
    }
    if (stopsTheRun(error)) throw error;
    return { item, planned: 'failed', error, ...(dataset ? { dataset } : {}) };
  }
}

/** The run stopped while planning: the directory it stopped at fails, the others are not tried. */
function stopped(s: SyncOptions, plans: Plan[], error: unknown): ProcedureResult {
  if (!stopsTheRun(error)) throw error;
  const at = plans.length;
  const items: ItemResult[] = s.items.map((item, i) => ({
    input: item.input,
    datasetUid: plans[i]?.dataset?.uid ?? null,
    error: i === at ? error : notTried(error),
    ...(s.dryRun ? { planned: 'failed' as const } : {}),
  }));
  return {
    summary: `${dirs(items.length)}: stopped before any change, since ${describeFailure(error).code} would fail every one.`,
    items,
    projects: [],
    created: false,
    changed: false,
    missingDatasets: [],
  };
}

async function apply(p: Plan, s: SyncOptions, api: AvalaClient, report: Reporter): Promise<ProcedureResult> {
  if (p.error !== undefined) throw p.error;
  if (p.planned === 'not-uploaded') {
    const what = `Dataset ${p.item.data.auto.owner}/${p.item.data.auto.slug} is not in Avala yet`;
    if (s.dryRun) {
      report.info(`${what}: upload ${p.item.input} (missing-datasets lists it), then a run clones onto it.`);
      return { summary: `${what}: not uploaded yet.` };
    }
    throw new DatasetError(
      'dataset-not-found',
      `${what}: upload ${p.item.input} before this step (the missing-datasets output of a dry run lists it).`,
    );
  }
  const options = { ...s, data: p.item.data, name: p.item.name, existing: p.existing ?? null };
  return clone(p.dataset ? { ...options, dataset: p.dataset } : options, api, report);
}

/** The plan as results[].planned says it: what the item would do, or failed when its plan could not be made. */
function planOf(result: ItemResult, p: Plan | undefined): Planned {
  return result.error !== undefined ? 'failed' : (p?.planned ?? 'failed');
}

function tally(plans: Plan[], planned: Planned): number {
  return plans.filter((p) => p.planned === planned).length;
}

function planHeadline(items: ItemResult[], approve: boolean): string {
  const n = (planned: Planned) => items.filter((r) => r.planned === planned).length;
  return `Plan for ${dirs(items.length)}: ${n('create')} to create${approve ? ' and approve' : ''}, ${n('approve')} existing to approve, ${n('exists')} unchanged, ${n('not-uploaded')} not uploaded yet, ${n('failed')} failed.`;
}

function doneHeadline(items: ItemResult[], approve: boolean): string {
  const ok = items.filter((r) => r.error === undefined);
  const created = ok.filter((r) => r.created).length;
  const approved = ok.filter((r) => r.changed && !r.created).length;
  const existing = ok.filter((r) => !r.changed).length;
  return `${dirs(items.length)}: ${created} created${approve ? ' and approved' : ''}, ${approved} existing approved, ${existing} unchanged, ${items.length - ok.length} failed.`;
}

/** Rule 29: a run that would make more billable starts than max-new-projects makes none. */
class TooManyProjectsError extends ActionError {
  override readonly name = 'TooManyProjectsError';

  constructor(starts: { create: number; approve: number }, max: number, approve: boolean) {
    const total = starts.create + starts.approve;
    const what = [
      `${starts.create} project${starts.create === 1 ? '' : 's'} to create${approve ? ' and approve' : ''}`,
      ...(approve ? [`${starts.approve} existing project${starts.approve === 1 ? '' : 's'} to approve`] : []),
    ].join(', ');
    super(
      'too-many-projects',
      `This run would make ${total} billable start${total === 1 ? '' : 's'} (${what}), more than max-new-projects allows (${max}): nothing was created or approved. If the plan is right, run once with max-new-projects: ${total} (or more), then set it back.`,
    );
  }
}

function dirs(n: number): string {
  return `${n} dataset director${n === 1 ? 'y' : 'ies'}`;
}
