/**
 * Sends a plan's steps (rule 39): the stops first, then the approvals and
 * resumes of existing projects, then the uploads, then the creates (an upload
 * that made its dataset among them), so that what saves money goes first and
 * a slow upload delays no status change. A 413 ends every later upload. A
 * refused key stops the run; a plan or scope the key lacks stops only the
 * later requests of the same call. A plan goes through the same steps and
 * sends nothing.
 */
import type { AvalaClient } from '../api/client.ts';
import type { Transition } from '../api/types.ts';
import { UploadError } from '../upload/errors.ts';
import { notTried, stopsTheRun } from './batch.ts';
import { DatasetError } from './datasets.ts';
import type { Reporter } from './reporter.ts';
import { describeProject, type ItemResult, PartialFailure, type Planned, type ProcedureResult } from './result.ts';
import { type ApplyOptions, callOf, type Step } from './sync-plan.ts';
import { blockedCall, change, create, fields } from './sync-steps.ts';
import type { UploadSettings } from './sync-upload.ts';
import { scanText } from './upload-text.ts';
import { type Waited, waitForDatasets } from './wait.ts';

// Rule 39's order: what saves money first, and a slow upload delays no status change.
const PHASE: Partial<Record<Planned, number>> = {
  pause: 0,
  cancel: 0,
  archive: 0,
  approve: 1,
  resume: 1,
  upload: 2,
  create: 3,
};
const LAST = 4;
const phase = (step: Step) => PHASE[step.planned] ?? LAST;

/** How an apply sends: ApplyOptions, and with upload, how directories are uploaded. */
type SendSettings = ApplyOptions & { upload?: UploadSettings | undefined; retries?: number };

/** The steps sent in their order; the results in the items' order. */
export async function applySteps(
  planned: readonly Step[],
  s: SendSettings,
  api: AvalaClient,
  report: Reporter,
): Promise<ItemResult[]> {
  const results: ItemResult[] = [];
  // An upload that made its dataset becomes a create onto it, sent in the creates' phase.
  const steps = [...planned];
  let stop: unknown;
  /** Why no more is uploaded: a 413 ends every later upload of the run. */
  let quota: string | undefined;
  const blocked = new Map<Transition | 'create', unknown>();
  let waited: Map<Step, Waited> | undefined;
  for (let at = 0; at <= LAST; at++) {
    for (const [i, step] of steps.entries()) {
      if (phase(step) !== at) continue;
      const base = { input: step.item.input, datasetUid: step.dataset?.uid ?? null };
      const call = callOf(step.planned);
      const block = stop ?? (call && blocked.get(call));
      if (block !== undefined) {
        results[i] = { ...base, ...(step.project ? { project: step.project } : {}), error: notTried(block) };
        continue;
      }
      if (step.planned === 'upload' && quota !== undefined) {
        results[i] = { ...base, error: new UploadError('upload-quota', `${step.item.input}: not tried: ${quota}`) };
        continue;
      }
      try {
        if (step.planned === 'upload' && !s.dryRun) {
          // The upload's code is loaded only by a run that uploads.
          const { runUpload } = await import('./sync-upload.ts');
          const dataset = await report.group(title(step, s), () =>
            runUpload(step, { ...(s.upload as UploadSettings), retries: s.retries ?? 0 }, api, report.info),
          );
          steps[i] = { ...step, planned: 'create', dataset, uploaded: true };
          continue;
        }
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
        else if (error instanceof UploadError && error.errorCode === 'upload-quota') {
          quota = `the storage quota was reached uploading ${step.item.input}, so nothing more is uploaded in this run`;
        }
      }
    }
  }
  for (const [i, step] of steps.entries())
    if (step.uploaded) results[i] = { ...(results[i] as ItemResult), uploaded: true };
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

function title(step: Step, s: ApplyOptions): string {
  return `Avala: ${step.item.input} → "${step.project?.name ?? step.item.name}"${s.dryRun ? ' (dry run)' : ''}`;
}

/**
 * Rule 40: the datasets the creates need, read together. With wait-for-dataset
 * 0 only those this run uploaded are waited for, up to 600 s: a dataset just
 * uploaded is never ready at once (rule 36).
 */
async function waitAll(steps: readonly Step[], s: ApplyOptions, api: AvalaClient, report: Reporter) {
  const creates = steps.filter((step) => step.planned === 'create' && step.dataset && (s.waitMs > 0 || step.uploaded));
  const wanted = creates.map((step) => ({
    ref: step.item.data.auto,
    dataset: step.dataset as NonNullable<Step['dataset']>,
  }));
  const waitMs = s.waitMs > 0 ? s.waitMs : UPLOADED_WAIT_MS;
  const waited = await waitForDatasets(api, wanted, report, { ...s, waitMs });
  return new Map(creates.map((step, i) => [step, waited[i] as Waited]));
}

const UPLOADED_WAIT_MS = 600_000;

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
    case 'upload':
      report.info(
        `Dry run: would upload ${item.input} (${scanText(step.scan as NonNullable<Step['scan']>)}), then create on it.`,
      );
      return { summary: `Would upload ${item.input}, then create on it.` };
    case 'not-uploaded': {
      const what = `Dataset ${item.data.auto.owner}/${item.data.auto.slug} is not in Avala yet`;
      if (s.dryRun) {
        report.info(
          `${what}: set upload: true for the action to upload ${item.input}, or upload it otherwise (missing-datasets lists it); then a run clones onto it.`,
        );
        return { summary: `${what}: not uploaded yet.` };
      }
      throw new DatasetError(
        'dataset-not-found',
        `${what}: set upload: true for the action to upload ${item.input}, or upload it before this step (missing-datasets lists it).`,
      );
    }
    case 'create':
      return create(step, waited, s, api, report, approveBlocked);
    default:
      return change(step, step.planned, s, api, report);
  }
}
