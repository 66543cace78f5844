/**
 * Contract rule 34: where a dataset's project should be, and what it takes to
 * get there from where it is. A pure table: rows are the project's status now
 * (`none`: no project yet), columns the `projects` entry's `status`.
 */
import type { Transition } from '../api/types.ts';

export type DesiredStatus = 'active' | 'paused' | 'canceled' | 'archived';

/** What one dataset needs: a step to send, nothing, a skip with its reason, or a refusal with the way there. */
export type Decision =
  | { step: 'create'; approve: boolean }
  | { step: Transition }
  | { step: 'exists' }
  | { step: 'skip'; reason: string }
  | { step: 'refuse'; why: string };

const SAME = { step: 'exists' } as const;

export function decide(now: string | 'none', desired: DesiredStatus | undefined, approve: boolean): Decision {
  const refuse = (way?: string): Decision => ({
    step: 'refuse',
    why: `the project is ${now} and the file asks for ${desired}, which Avala cannot do${way ? `: ${way}` : ''}`,
  });
  if (now === 'none') {
    if (desired === undefined || desired === 'active')
      return { step: 'create', approve: approve || desired === 'active' };
    return { step: 'skip', reason: `no project yet, and status: ${desired} asks for none to run` };
  }
  if (desired === undefined) return now === 'pending-approval' && approve ? { step: 'approve' } : SAME;
  switch (now) {
    case 'pending-approval':
      if (desired === 'active') return { step: 'approve' };
      if (desired === 'paused') return { step: 'skip', reason: 'the project is pending-approval: nothing runs yet' };
      if (desired === 'canceled') return { step: 'skip', reason: 'a pending-approval project cannot be canceled' };
      return refuse(
        'only a completed or canceled project can be archived, and a pending-approval one cannot be canceled',
      );
    case 'active':
      if (desired === 'paused') return { step: 'pause' };
      if (desired === 'canceled') return { step: 'cancel' };
      if (desired === 'archived') return refuse('cancel it first: status: canceled');
      return SAME;
    case 'paused':
      if (desired === 'active') return { step: 'resume' };
      if (desired === 'canceled') return { step: 'cancel' };
      if (desired === 'archived') return refuse('cancel it first: status: canceled');
      return SAME;
    case 'completed':
      return desired === 'archived' ? { step: 'archive' } : SAME;
    case 'canceled':
      if (desired === 'active') return refuse('a cancel is irreversible');
      return desired === 'archived' ? { step: 'archive' } : SAME;
    case 'archived':
      return desired === 'active' ? refuse('an archived project stays archived') : SAME;
    default:
      // A status the table does not know: nothing is sent that the file did not foresee.
      return refuse();
  }
}
