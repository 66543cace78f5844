/**
 * When to try a request again: one pure function over the method, what the
 * attempt met and how many tries are left, kept apart from the request
 * lifecycle (as undici's RetryHandler keeps its policy) so it can be read,
 * tested and changed on its own.
 */
import {
  backoffDelay,
  MAX_WAIT_MS,
  NOT_ACTED_STATUSES,
  NOT_SENT_CODES,
  parseRetryAfter,
  RETRYABLE_STATUSES,
} from './retry.ts';

/** What one attempt met, short of a success. */
export type Outcome =
  | { kind: 'network'; code: string; timedOut: boolean }
  | { kind: 'status'; status: number; retryAfter: string | null }
  /** A response the action cannot use (too large; a success whose body is not what it should be). */
  | { kind: 'unreadable'; outcomeUnknown: boolean };

export type Decision =
  /** Give up; `note` adds why to the error. */
  | { action: 'fail'; note?: string }
  /** Send again after `ms`; `announce` is logged first when the wait was asked for. */
  | { action: 'wait'; ms: number; announce?: string }
  /**
   * A state-changing request whose outcome is unknown: find out whether it took
   * effect; send it again only when `resend` and the check finds it did not.
   */
  | { action: 'check'; ms: number; resend: boolean };

export interface PolicyInput {
  method: string;
  outcome: Outcome;
  /** 0 for the first attempt. */
  attempt: number;
  retries: number;
  /** Timeouts since the server last responded, across requests: the budget checks share with what they check. */
  unansweredTimeouts: number;
  random?: () => number;
  now?: number;
}

export function decide(input: PolicyInput): Decision {
  const { method, outcome, attempt, retries } = input;
  const backoff = backoffDelay(attempt, input.random);
  const read = method === 'GET';
  // Sending again cannot mend a response too large or malformed; a check can still find the effect.
  if (outcome.kind === 'unreadable') {
    return outcome.outcomeUnknown ? { action: 'check', ms: 0, resend: attempt < retries } : { action: 'fail' };
  }
  if (attempt >= retries) return { action: 'fail' };

  if (outcome.kind === 'network') {
    if (input.unansweredTimeouts > retries) return { action: 'fail' };
    return read || NOT_SENT_CODES.has(outcome.code)
      ? { action: 'wait', ms: backoff }
      : { action: 'check', ms: backoff, resend: true };
  }

  if (!RETRYABLE_STATUSES.has(outcome.status)) return { action: 'fail' };
  if (!read && !NOT_ACTED_STATUSES.has(outcome.status)) return { action: 'check', ms: backoff, resend: true };
  const asked = parseRetryAfter(outcome.retryAfter, input.now);
  if (asked === undefined) return { action: 'wait', ms: backoff };
  if (asked > MAX_WAIT_MS) {
    return {
      action: 'fail',
      note: `the API asks to wait ${Math.ceil(asked / 1000)} s, longer than the ${MAX_WAIT_MS / 1000} s the action waits`,
    };
  }
  return { action: 'wait', ms: asked, announce: `Waiting ${(asked / 1000).toFixed(1)} s as Retry-After asks` };
}
