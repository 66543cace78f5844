import { describe, expect, it } from 'vitest';
import { describeErrorBody } from '../../src/api/decode.ts';
import { AvalaError } from '../../src/api/errors.ts';
import { backoffDelay, parseRetryAfter } from '../../src/api/retry.ts';
import { transitionsFrom } from '../../src/api/types.ts';

describe('describeErrorBody', () => {
  it.each([
    [{ detail: 'Invalid API key.' }, { detail: 'Invalid API key.' }],
    [
      {
        detail: 'Project approval requires a PRO or ENTERPRISE plan.',
        code: 'plan_insufficient',
        doc_url: 'https://docs.avala.ai/x',
      },
      {
        detail: 'Project approval requires a PRO or ENTERPRISE plan.',
        apiCode: 'plan_insufficient',
        docUrl: 'https://docs.avala.ai/x',
      },
    ],
    [{ detail: { name: ['This field is required.'] } }, { detail: 'name: This field is required.' }],
    [
      { name: ['This field is required.'], source_project_uid: ['Not found.', 'Bad.'] },
      { detail: 'name: This field is required.; source_project_uid: Not found.; source_project_uid: Bad.' },
    ],
    [
      { non_field_errors: ['Attach a slice or datasets, not both.'] },
      { detail: 'Attach a slice or datasets, not both.' },
    ],
    [{ detail: { source: { uid: ['Bad.'] } } }, { detail: 'source.uid: Bad.' }],
    [{}, { detail: 'no details given' }],
    ['plain text', { detail: 'plain text' }],
    [null, { detail: 'no details given' }],
  ])('%j', (body, expected) => {
    expect(describeErrorBody(body)).toEqual(expected);
  });
});

describe('AvalaError', () => {
  it('reads as one line with status, code, detail, method, path and doc_url', () => {
    const e = new AvalaError({
      kind: 'http',
      method: 'POST',
      path: '/api/v1/projects/x/approve/',
      status: 403,
      apiCode: 'plan_insufficient',
      detail: 'Project approval requires\na PRO plan.',
      docUrl: 'https://docs.avala.ai/api/errors#plan_insufficient',
    });
    expect(e.message).toBe(
      'Avala API responded 403 plan_insufficient: Project approval requires a PRO plan. (POST /api/v1/projects/x/approve/). See https://docs.avala.ai/api/errors#plan_insufficient',
    );
    expect(e.errorCode).toBe('plan_insufficient');
  });

  it('names http-<status> when the API gives no code, and timeout or network otherwise', () => {
    const base = { method: 'GET', path: '/p/', detail: 'd' };
    expect(new AvalaError({ ...base, kind: 'http', status: 404 }).errorCode).toBe('http-404');
    expect(new AvalaError({ ...base, kind: 'timeout', attempts: 4 }).errorCode).toBe('timeout');
    expect(new AvalaError({ ...base, kind: 'timeout', attempts: 4 }).message).toBe(
      'GET /p/ failed after 4 attempts: d',
    );
    expect(new AvalaError({ ...base, kind: 'network' }).errorCode).toBe('network');
  });

  it('adds advice without doubling the full stop', () => {
    const e = new AvalaError({ kind: 'http', method: 'POST', path: '/p/', status: 400, detail: 'Not allowed.' });
    expect(e.withAdvice('Try again').message).toBe('Avala API responded 400: Not allowed. Try again (POST /p/)');
  });
});

describe('retry timing', () => {
  it('reads Retry-After in seconds and as an HTTP date', () => {
    const now = Date.parse('2026-11-28T12:00:00Z');
    expect(parseRetryAfter('3', now)).toBe(3000);
    expect(parseRetryAfter('Sat, 28 Nov 2026 12:00:05 GMT', now)).toBe(5000);
    expect(parseRetryAfter('Sat, 28 Nov 2026 11:00:00 GMT', now)).toBe(0);
    expect(parseRetryAfter('soon', now)).toBeUndefined();
    expect(parseRetryAfter(null, now)).toBeUndefined();
  });

  it('backs off exponentially with full jitter, capped', () => {
    expect(backoffDelay(0, () => 0)).toBe(0);
    expect(backoffDelay(0, () => 0.999)).toBe(499);
    expect(backoffDelay(2, () => 0.5)).toBe(1000);
    expect(backoffDelay(10, () => 0.999)).toBe(7992);
  });
});

describe('state machine', () => {
  it('lists the calls each status allows', () => {
    expect(transitionsFrom('pending-approval')).toEqual(['approve']);
    expect(transitionsFrom('active')).toEqual(['pause', 'cancel']);
    expect(transitionsFrom('paused')).toEqual(['resume', 'cancel']);
    expect(transitionsFrom('canceled')).toEqual(['archive']);
    expect(transitionsFrom('archived')).toEqual([]);
  });
});
