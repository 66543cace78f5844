import type { AvalaClient } from '../api/client.ts';
import { AvalaError } from '../api/errors.ts';
import type { Recovery } from '../api/http.ts';
import { type Project, TRANSITIONS, type Transition, transitionsFrom } from '../api/types.ts';
import type { Reporter } from './reporter.ts';
import { describeProject, type ProcedureResult } from './result.ts';

/** What a status change needs to know. */
export interface TransitionOptions {
  action: Transition;
  project: string;
  owner: string | undefined;
  dryRun: boolean;
}

export const PAST: Record<Transition, string> = {
  approve: 'Approved',
  pause: 'Paused',
  resume: 'Resumed',
  cancel: 'Canceled',
  archive: 'Archived',
};

export async function changeStatus(s: TransitionOptions, api: AvalaClient, report: Reporter): Promise<ProcedureResult> {
  const { action, project: uid, owner } = s;
  const { to } = TRANSITIONS[action];

  if (s.dryRun) {
    const current = owner ? await api.findByUid(owner, uid) : undefined;
    const url = api.transitionUrl(uid, action);
    report.info(`Dry run: would send POST ${url.pathname}`);
    const now = current ? ` (now ${current.status})` : '';
    return {
      summary: `Dry run: would ${action} project ${uid}${now}.`,
      ...(current ? { project: current } : {}),
      changed: false,
    };
  }

  const { project, changed } = await transition(api, uid, action, owner, report);
  const summary = changed
    ? `${PAST[action]} project ${describeProject(project)}.`
    : `Project ${describeProject(project)} was already ${to}; nothing was changed.`;
  return { summary, project, changed };
}

/**
 * Sends one status change. A refusal because the project is in the target
 * status already (a re-run, or a concurrent run that got there first) is
 * success without change, when `owner` lets the action confirm the status.
 */
export async function transition(
  api: AvalaClient,
  uid: string,
  action: Transition,
  owner: string | undefined,
  report: Reporter,
  /** How a change found done already is told: a notice when it was asked for, an info line within a clone. */
  foundDone: 'notice' | 'info' = 'notice',
): Promise<{ project: Project; changed: boolean }> {
  const { to } = TRANSITIONS[action];
  try {
    return { project: await send(api, uid, action, owner), changed: true };
  } catch (error) {
    if (!(error instanceof AvalaError) || error.status !== 400) throw error;
    // The API refuses a transition from the wrong status with a 400: find out which status it is.
    const current = owner ? await api.findByUid(owner, uid) : undefined;
    if (current?.status === to) {
      const said = `Project ${describeProject(current)} is already ${to}: nothing to do.`;
      if (foundDone === 'info') report.info(said);
      else report.notice(said, `Avala project already ${to}`);
      return { project: current, changed: false };
    }
    throw error.withAdvice(refusalAdvice(action, current, owner));
  }
}

function refusalAdvice(action: Transition, current: Project | undefined, owner: string | undefined): string {
  const from = `${action} needs a project that is ${TRANSITIONS[action].from.join(' or ')}`;
  if (!current) {
    return owner
      ? `${from}; project not found among ${owner}'s projects to check its status`
      : `${from}; set owner to let the action check the project's status`;
  }
  const allowed = transitionsFrom(current.status);
  return `${from}, and it is ${current.status}; from ${current.status} the allowed actions are: ${allowed.join(', ') || 'none'}`;
}

/** Sends a status change at most once: an attempt of unknown outcome is checked before it is sent again, or not sent again. */
async function send(api: AvalaClient, uid: string, action: Transition, owner: string | undefined): Promise<Project> {
  const { from, to } = TRANSITIONS[action];
  const recover = owner
    ? async (): Promise<Recovery<Project>> => {
        const current = await api.findByUid(owner, uid);
        if (current?.status === to) return { done: current };
        return current && (from as readonly string[]).includes(current.status) ? 'retry' : 'unknown';
      }
    : undefined;
  try {
    return await api.transition(uid, action, recover);
  } catch (error) {
    if (error instanceof AvalaError && error.outcomeUnknown) {
      throw error.withAdvice(
        `The project may have been ${PAST[action].toLowerCase()}: check its status before running again${owner ? '' : ', or set owner so that the action can check it'}`,
      );
    }
    throw error;
  }
}
