/**
 * Sends a plan's steps (rule 39): the stops first, then the approvals and
 * resumes of existing projects, then the creates, so that what saves money
 * goes first. A refused key stops the run; a plan or scope the key lacks stops
 * only the later requests of the same call. A plan goes through the same steps
 * and sends nothing.
 */
import type { AvalaClient } from '../api/client.ts';
import { AvalaError } from '../api/errors.ts';
import type { Transition } from '../api/types.ts';
import { notTried, stopsTheRun } from './batch.ts';
import { DatasetError } from './datasets.ts';
import type { Reporter } from './reporter.ts';
import { describeProject, type ItemResult, PartialFailure, type Planned, type ProcedureResult } from './result.ts';
import { type ApplyOptions, callOf, type Step } from './sync-plan.ts';
import { change, create } from './sync-steps.ts';
import { type Waited, waitForDatasets } from './wait.ts';

const PHASE: Partial<Record<Planned, number>> = { pause: 0, cancel: 0, archive: 0, approve: 1, resume: 1, create: 2 };
const phase = (step: Step | undefined) => PHASE[step?.planned ?? 'exists'] ?? 3;

/** The steps sent in their order; the results in the items' order. */
export async function applySteps(
  steps: readonly Step[],
  s: ApplyOptions,
  api: AvalaClient,
  report: Reporter,
): Promise<ItemResult[]> {
  const results: ItemResult[] = [];
  const order = steps.map((_, i) => i).sort((a, b) => phase(steps[a]) - phase(steps[b]) || a - b);
  let stop: unknown;
  const blocked = new Map<Transition | 'create', unknown>();
  let waited: Map<Step, Waited> | undefined;
  for (const i of order) {
    const step = steps[i] as Step;
    const base = { input: step.item.input, datasetUid: step.dataset?.uid ?? null };
    const call = callOf(step.planned);
    const block = stop ?? (call && blocked.get(call));
    if (block !== undefined) {
      results[i] = { ...base, ...(step.project ? { project: step.project } : {}), error: notTried(block) };
      continue;
    }
    try {
      // Every dataset a create needs is waited for at once, before the first create (rule 40).
      if (step.planned === 'create') waited ??= await waitAll(steps, s, api, report);
      const run = () => runStep(step, waited?.get(step), s, api, report, blocked.get('approve'));
      const done =
        step.planned === 'exists' || step.planned === 'skip' ? await run() : await report.group(title(step, s), run);
      results[i] = { ...base, datasetUid: done.datasetUid ?? base.datasetUid, ...fields(done) };
    } catch (thrown) {
      const partial: Partial<ProcedureResult> = thrown instanceof PartialFailure ? thrown.result : {};
      const error = thrown instanceof PartialFailure ? thrown.cause : thrown;
      results[i] = { ...base, ...fields(partial), error };
      const failedCall = blockedCall(error);
      if (failedCall) blocked.set(failedCall, error);
      else if (stopsTheRun(error)) stop = error;
    }
  }
  const unchanged = steps.filter((step) => step.planned === 'exists').length;
  // Hundreds of datasets already so would fill the log line by line: one line counts them, debug names each.
  if (unchanged > 0) {
    const are = unchanged === 1 ? '1 dataset has its project' : `${unchanged} datasets have their projects`;
    report.info(`${are} as wanted already: nothing to send (the summary and the results output list them).`);
  }
  return results;
}

/** A plan: the same steps, nothing sent, each result saying what it would do. */
export async function planResults(
  steps: readonly Step[],
  s: ApplyOptions,
  api: AvalaClient,
  report: Reporter,
): Promise<ItemResult[]> {
  const results = await applySteps(steps, { ...s, dryRun: true }, api, report);
  return results.map((r, i) => {
    const step = steps[i] as Step;
    const plan = {
      name: step.project?.name ?? step.item.name,
      approve: step.approve === true,
      ...(step.reason ? { reason: step.reason } : {}),
    };
    return { ...r, planned: r.error !== undefined ? 'failed' : step.planned, plan };
  });
}

function fields(done: Partial<ProcedureResult>): Partial<ItemResult> {
  const { summary, project, created, changed } = done;
  return {
    ...(summary !== undefined ? { summary } : {}),
    ...(project ? { project } : {}),
    ...(created !== undefined ? { created } : {}),
    ...(changed !== undefined ? { changed } : {}),
  };
}

function title(step: Step, s: ApplyOptions): string {
  return `Avala: ${step.item.input} → "${step.project?.name ?? step.item.name}"${s.dryRun ? ' (dry run)' : ''}`;
}

/** Rule 39: a 403 for a plan or scope the key lacks stops the later requests of that call only. */
function blockedCall(error: unknown): Transition | 'create' | undefined {
  if (!(error instanceof AvalaError) || error.status !== 403) return undefined;
  if (error.apiCode !== 'plan_insufficient' && error.apiCode !== 'scope_required') return undefined;
  if (error.path.endsWith('/create-from-existing/')) return 'create';
  const action = error.path.match(/\/(approve|pause|resume|cancel|archive)\/$/)?.[1];
  return action as Transition | undefined;
}

async function waitAll(steps: readonly Step[], s: ApplyOptions, api: AvalaClient, report: Reporter) {
  const creates = steps.filter((step) => step.planned === 'create' && step.dataset);
  const wanted = creates.map((step) => ({
    ref: step.item.data.auto,
    dataset: step.dataset as NonNullable<Step['dataset']>,
  }));
  const waited = await waitForDatasets(api, wanted, report, s);
  return new Map(creates.map((step, i) => [step, waited[i] as Waited]));
}

async function runStep(
  step: Step,
  waited: Waited | undefined,
  s: ApplyOptions,
  api: AvalaClient,
  report: Reporter,
  approveBlocked: unknown,
): Promise<ProcedureResult> {
  const { item, project } = step;
  switch (step.planned) {
    case 'failed':
      throw project ? new PartialFailure(step.error, { summary: '', project }) : step.error;
    case 'exists': {
      const said = project ? `project ${describeProject(project)} is as the plan wants it` : 'nothing to do';
      report.debug?.(`${item.input}: ${said}.`);
      return { summary: `${said}.`, ...(project ? { project } : {}), created: false, changed: false };
    }
    case 'skip':
      report.info(`${item.input}: skipped: ${step.reason}.`);
      return { summary: `Skipped: ${step.reason}.`, ...(project ? { project } : {}), created: false, changed: false };
    case 'not-uploaded':
    case 'upload': {
      const what = `Dataset ${item.data.auto.owner}/${item.data.auto.slug} is not in Avala yet`;
      if (s.dryRun) {
        report.info(`${what}: upload ${item.input} (missing-datasets lists it), then a run clones onto it.`);
        return { summary: `${what}: not uploaded yet.` };
      }
      throw new DatasetError(
        'dataset-not-found',
        `${what}: upload ${item.input} before this step (the missing-datasets output of a plan lists it).`,
      );
    }
    case 'create':
      return create(step, waited, s, api, report, approveBlocked);
    default:
      return change(step, step.planned, s, api, report);
  }
}
