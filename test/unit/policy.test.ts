/** The retry policy on its own: one decision per method, what the attempt met and the tries left. */
import { describe, expect, it } from 'vitest';
import { decide, type Outcome, type PolicyInput } from '../../src/api/policy.ts';

const NOW = Date.parse('2026-12-01T12:00:00Z');
const base = { attempt: 0, retries: 3, unansweredTimeouts: 0, random: () => 0.5, now: NOW };
const status = (code: number, retryAfter: string | null = null): Outcome => ({
  kind: 'status',
  status: code,
  retryAfter,
});
const network = (code: string, timedOut = false): Outcome => ({ kind: 'network', code, timedOut });
const decision = (method: string, outcome: Outcome, over: Partial<PolicyInput> = {}) =>
  decide({ ...base, method, outcome, ...over });

describe('decide', () => {
  it('retries a read after a server error or a reset, with backoff that grows with the attempt', () => {
    for (const code of [500, 502, 503, 504]) expect(decision('GET', status(code))).toEqual({ action: 'wait', ms: 250 });
    expect(decision('GET', network('ECONNRESET'), { attempt: 2 })).toEqual({ action: 'wait', ms: 1000 });
  });

  it('honours Retry-After on a 429, in seconds or as a date, and gives up past 60 s', () => {
    expect(decision('POST', status(429, '1.5'))).toEqual({
      action: 'wait',
      ms: 1500,
      announce: 'Waiting 1.5 s as Retry-After asks',
    });
    const date = new Date(NOW + 4000).toUTCString();
    expect(decision('GET', status(429, date))).toMatchObject({ action: 'wait', ms: 4000 });
    expect(decision('GET', status(429, '61'))).toEqual({
      action: 'fail',
      note: 'the API asks to wait 61 s, longer than the 60 s the action waits',
    });
    expect(decision('GET', status(429, 'soon'))).toEqual({ action: 'wait', ms: 250 });
  });

  it('never sends a state change again on a guess: it checks first, unless the server cannot have acted', () => {
    expect(decision('POST', status(500))).toEqual({ action: 'check', ms: 250, resend: true });
    expect(decision('POST', network('ETIMEDOUT', true))).toEqual({ action: 'check', ms: 250, resend: true });
    expect(decision('POST', status(503))).toEqual({ action: 'wait', ms: 250 });
    expect(decision('POST', network('ECONNREFUSED'))).toEqual({ action: 'wait', ms: 250 });
  });

  it('fails at once on what a retry cannot mend, and when the tries are spent', () => {
    for (const code of [400, 401, 403, 404, 409, 413])
      expect(decision('GET', status(code))).toEqual({ action: 'fail' });
    expect(decision('GET', status(502), { attempt: 3 })).toEqual({ action: 'fail' });
    expect(decision('GET', { kind: 'unreadable', outcomeUnknown: false })).toEqual({ action: 'fail' });
  });

  it('checks an unusable success of a state change, resending only while tries remain', () => {
    const unreadable: Outcome = { kind: 'unreadable', outcomeUnknown: true };
    expect(decision('POST', unreadable)).toEqual({ action: 'check', ms: 0, resend: true });
    expect(decision('POST', unreadable, { attempt: 3 })).toEqual({ action: 'check', ms: 0, resend: false });
  });

  it('stops once the timeouts since the server last responded pass the retries, across requests', () => {
    expect(decision('GET', network('UND_ERR_HEADERS_TIMEOUT', true), { unansweredTimeouts: 3 })).toEqual({
      action: 'wait',
      ms: 250,
    });
    expect(decision('GET', network('UND_ERR_HEADERS_TIMEOUT', true), { unansweredTimeouts: 4 })).toEqual({
      action: 'fail',
    });
  });
});
