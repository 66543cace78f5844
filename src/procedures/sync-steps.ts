/** The two steps of a plan that send more than one request: a status change, and a create with its approval. */
import type { AvalaClient } from '../api/client.ts';
import { AvalaError } from '../api/errors.ts';
import type { Transition } from '../api/types.ts';
import { notTried } from './batch.ts';
import { clone } from './clone.ts';
import type { Reporter } from './reporter.ts';
import { describeProject, type ItemResult, PartialFailure, type ProcedureResult } from './result.ts';
import type { ApplyOptions, Step } from './sync-plan.ts';
import { PAST, transition } from './transition.ts';
import type { Waited } from './wait.ts';

export async function change(step: Step, action: Transition, s: ApplyOptions, api: AvalaClient, report: Reporter) {
  const project = step.project as NonNullable<Step['project']>;
  const irreversible = action === 'cancel' ? ' (irreversible)' : '';
  if (s.dryRun) {
    report.info(`Dry run: would send POST ${api.transitionUrl(project.uid, action).pathname}${irreversible}`);
    return { summary: `Would ${action} project ${describeProject(project)}${irreversible}.`, project, changed: false };
  }
  const done = await transition(api, project.uid, action, s.owner, report, 'info');
  const summary = done.changed
    ? `${PAST[action]} project ${describeProject(done.project)}${irreversible}.`
    : `Project ${describeProject(done.project)} was already so; nothing was changed.`;
  return { summary, project: done.project, created: false, changed: done.changed };
}

export async function create(
  step: Step,
  waited: Waited | undefined,
  s: ApplyOptions,
  api: AvalaClient,
  report: Reporter,
  approveBlocked: unknown,
): Promise<ProcedureResult> {
  if (waited && 'error' in waited) throw waited.error;
  const kind = step.item.kind as NonNullable<Step['item']['kind']>;
  const dataset = waited?.ready ?? step.dataset;
  const approve = step.approve === true && approveBlocked === undefined;
  const done = await clone(
    {
      template: kind.template,
      data: step.item.data,
      name: step.item.name,
      copyCollaborators: s.copyCollaborators,
      approve,
      ifExists: 'reuse',
      owner: s.owner,
      dryRun: s.dryRun,
      existing: null,
      waitMs: 0,
      ...(dataset ? { dataset } : {}),
    },
    api,
    report,
  );
  // The project is made; its approval waits for a key or plan that allows it, on a later run.
  if (step.approve && approveBlocked !== undefined) throw new PartialFailure(notTried(approveBlocked), done);
  return done;
}

/** What a step's result carries into its item's: the sentence, the project, whether anything was made or changed. */
export function fields(done: Partial<ProcedureResult>): Partial<ItemResult> {
  const { summary, project, created, changed } = done;
  return {
    ...(summary !== undefined ? { summary } : {}),
    ...(project ? { project } : {}),
    ...(created !== undefined ? { created } : {}),
    ...(changed !== undefined ? { changed } : {}),
  };
}

/** Rule 39: a 403 for a plan or scope the key lacks stops the later requests of that call only. */
export function blockedCall(error: unknown): Transition | 'create' | undefined {
  if (!(error instanceof AvalaError) || error.status !== 403) return undefined;
  if (error.apiCode !== 'plan_insufficient' && error.apiCode !== 'scope_required') return undefined;
  if (error.path.endsWith('/create-from-existing/')) return 'create';
  const action = error.path.match(/\/(approve|pause|resume|cancel|archive)\/$/)?.[1];
  return action as Transition | undefined;
}
