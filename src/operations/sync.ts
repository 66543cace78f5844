/**
 * dataset-dirs: the checkout becomes projects. Every directory is looked up
 * and planned before anything changes (rules 28 and 30); the billable starts
 * are counted against max-new-projects (rule 29); then each directory is
 * brought to its plan, one item at a time, or, in a dry run, the plan is told.
 */
import type { AvalaClient } from '../api/client.ts';
import type { Dataset, Project } from '../api/types.ts';
import { ActionError } from '../errors.ts';
import { runItems } from './batch.ts';
import { type CloneOptions, clone } from './clone.ts';
import { type Attachments, DatasetError, fieldFor, findDataset } from './datasets.ts';
import { findByNames } from './lookup.ts';
import type { Reporter } from './reporter.ts';
import { type ItemResult, type OperationResult, PartialFailure, type Planned } from './result.ts';

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

export async function sync(s: SyncOptions, api: AvalaClient, report: Reporter): Promise<OperationResult> {
  const found = await findByNames(
    api,
    s.owner,
    s.items.map((item) => item.name),
  );
  const plans: Plan[] = [];
  for (const item of s.items) plans.push(await plan(item, found.get(item.name), s, api));
  const missingDatasets = plans.filter((p) => p.planned === 'not-uploaded').map((p) => p.item.input);
  // A directory not uploaded yet counts too: the upload that follows a plan makes it a project to create.
  const starts = { create: tally(plans, 'create') + missingDatasets.length, approve: tally(plans, 'approve') };
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
      run: () => apply(p, s, api, report),
    })),
    report,
  );
  const items: ItemResult[] = results.map((r, i) => (s.dryRun ? { ...r, planned: planOf(r, plans[i]) } : r));
  const projects = items.flatMap((r) => (r.project ? [r.project] : []));
  const result: OperationResult = {
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

/** What a directory needs: its project found, or its dataset read to see whether a clone can be made. */
async function plan(item: DirItem, existing: Project | undefined, s: SyncOptions, api: AvalaClient): Promise<Plan> {
  if (existing) {
    return { item, existing, planned: s.approve && existing.status === 'pending-approval' ? 'approve' : 'exists' };
  }
  try {
    const dataset = await findDataset(api, item.data.auto);
    fieldFor(item.data.auto, dataset);
    return { item, dataset, planned: 'create' };
  } catch (error) {
    if (error instanceof DatasetError && error.errorCode === 'dataset-not-found')
      return { item, planned: 'not-uploaded' };
    if (!(error instanceof DatasetError)) throw error;
    return { item, planned: 'failed', error };
  }
}

async function apply(p: Plan, s: SyncOptions, api: AvalaClient, report: Reporter): Promise<OperationResult> {
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
      `This run would make ${total} billable starts (${what}), more than max-new-projects allows (${max}): nothing was created or approved. If the plan is right, run once with max-new-projects: ${total} (or more), then set it back.`,
    );
  }
}

function dirs(n: number): string {
  return `${n} dataset director${n === 1 ? 'y' : 'ies'}`;
}
