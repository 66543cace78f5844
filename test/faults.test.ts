import { describe, expect, it } from 'vitest';
import { DATASET, KEYS, TEMPLATES } from '../emulator/seed.ts';
import { useEmulator } from './support/fixtures.ts';
import { logLines, runInProcess } from './support/run-action.ts';
import { closedPort } from './support/servers.ts';

const fx = useEmulator({ bystander: true });
const { run, runProcess } = fx;
const clone = { template: TEMPLATES.image, dataset: DATASET, name: 'Fault batch' };
const named = () => fx.emu.projectsOf('acme').filter((p) => p.name === 'Fault batch');
const statuses = (method: string, path?: string) => fx.emu.calls(method, path).map((r) => r.status ?? r.fault);

describe('retries', () => {
  it('429 waits for Retry-After in seconds, then succeeds', async () => {
    fx.emu.inject({ method: 'GET', fault: { kind: 'status', status: 429, retryAfter: '0.8' } });
    const r = await runProcess({ action: 'list', owner: 'acme' });
    expect(r.exitCode).toBe(0);
    expect(statuses('GET')).toEqual([429, 200]);
    expect(r.ms).toBeGreaterThanOrEqual(800);
    expect(r.ms).toBeLessThan(10_000);
    expect(logLines(r)).toContain('Waiting 0.8 s as Retry-After asks');
  });

  it('fails at once when Retry-After asks for longer than the action waits', async () => {
    fx.emu.inject({ method: 'GET', fault: { kind: 'status', status: 429, retryAfter: '3600' } });
    const r = await run({ action: 'list', owner: 'acme' });
    expect(r.exitCode).toBe(1);
    expect(r.outputs['error-code']).toBe('http-429');
    expect(r.annotations[0]?.message).toContain('the API asks to wait 3600 s, longer than the 60 s the action waits');
    expect(r.ms).toBeLessThan(10_000);
  });

  it('a 429 on a clone is retried: the server did not act, and one project results', async () => {
    fx.emu.inject({ method: 'POST', fault: { kind: 'status', status: 429, retryAfter: '1' } });
    const r = await run(clone);
    expect(r.exitCode).toBe(0);
    expect(statuses('POST')).toEqual([429, 201]);
    expect(named()).toHaveLength(1);
  });

  it('a 503 on an approve is retried, and the project is approved once', async () => {
    fx.emu.inject({ method: 'POST', path: '/approve/', fault: { kind: 'status', status: 503 } });
    const r = await run({ ...clone, approve: 'true' });
    expect(r.exitCode).toBe(0);
    expect(statuses('POST', '/approve/')).toEqual([503, 200]);
    expect(named()[0]?.status).toBe('active');
  });

  // One status in real time; the policy's own test covers each retryable status, on no clock at all.
  it.each([502])('GET is retried after %i with backoff', async (status) => {
    fx.emu.inject({ method: 'GET', times: 2, fault: { kind: 'status', status } });
    const r = await run({ action: 'list', owner: 'acme' });
    expect(r.exitCode).toBe(0);
    expect(statuses('GET')).toEqual([status, status, 200]);
    expect(logLines(r).filter((l) => l.startsWith('GET'))).toEqual([
      `GET /api/v1/projects/acme/?limit=100 → ${status} in ${ms(r, 0)} ms`,
      `GET /api/v1/projects/acme/?limit=100 → ${status} in ${ms(r, 1)} ms (retry 1 of 3)`,
      `GET /api/v1/projects/acme/?limit=100 → 200 in ${ms(r, 2)} ms (retry 2 of 3)`,
    ]);
  });

  it('GET is retried after a reset connection', async () => {
    fx.emu.inject({ method: 'GET', fault: { kind: 'drop' } });
    const r = await run({ action: 'list', owner: 'acme' });
    expect(r.exitCode).toBe(0);
    expect(statuses('GET')).toEqual(['drop', 200]);
  });

  it('gives up after retries, reporting every attempt', async () => {
    fx.emu.inject({ method: 'GET', times: 10, fault: { kind: 'html-502' } });
    const r = await run({ action: 'list', owner: 'acme', retries: '2' });
    expect(r.exitCode).toBe(1);
    expect(fx.emu.calls('GET')).toHaveLength(3);
    expect(r.outputs['error-code']).toBe('http-502');
    expect(r.annotations[0]?.message).toBe(
      'Avala API responded 502: expected a JSON response, got text/html: "502 Bad Gateway 502 Bad Gateway nginx" (GET /api/v1/projects/acme/?limit=100 after 3 attempts)',
    );
    expect(r.stderr).toBe('');
  });

  it('a connection refused is retried, even for a clone, and reported as network', async () => {
    const port = await closedPort();
    const r = await runInProcess({
      'base-url': `http://127.0.0.1:${port}/api/v1`,
      'api-key': KEYS.pro,
      ...clone,
      retries: '2',
    });
    expect(r.exitCode).toBe(1);
    expect(r.outputs['error-code']).toBe('network');
    expect(logLines(r).filter((l) => l.startsWith('POST') && l.includes('ECONNREFUSED'))).toHaveLength(3);
    expect(r.annotations[0]?.message).toMatch(
      /^POST \/api\/v1\/projects\/create-from-existing\/ failed after 3 attempts: ECONNREFUSED/,
    );
  });
});

describe('state-changing requests whose outcome is unknown', () => {
  it('a clone with owner checks by name before trying again, and one project exists', async () => {
    fx.emu.inject({ method: 'POST', fault: { kind: 'act-then-drop' } });
    const r = await run({ ...clone, owner: 'acme' });
    expect(r.exitCode).toBe(0);
    expect(r.outputs).toMatchObject({ created: 'true', changed: 'true', uid: named()[0]?.uid });
    expect(named()).toHaveLength(1);
    expect(fx.emu.calls('POST')).toHaveLength(1);
    expect(logLines(r)).toContain(
      'The outcome of POST /api/v1/projects/create-from-existing/ is unknown; checking before trying again',
    );
  });

  it('a clone with owner sends again when the check finds nothing', async () => {
    fx.emu.inject({ method: 'POST', fault: { kind: 'drop' } });
    const r = await run({ ...clone, owner: 'acme' });
    expect(r.exitCode).toBe(0);
    expect(statuses('POST')).toEqual(['drop', 201]);
    expect(named()).toHaveLength(1);
  });

  it('a clone with owner whose server acted and answered 500 is found, not cloned twice', async () => {
    fx.emu.inject({ method: 'POST', fault: { kind: 'act-then-status', status: 500 } });
    const r = await run({ ...clone, owner: 'acme', approve: 'true' });
    expect(r.exitCode).toBe(0);
    expect(named()).toHaveLength(1);
    expect(named()[0]?.status).toBe('active');
    expect(fx.emu.calls('POST', '/create-from-existing/')).toHaveLength(1);
  });

  it('a clone without owner is not sent again, and the message says the project may exist', async () => {
    fx.emu.inject({ method: 'POST', fault: { kind: 'act-then-drop' } });
    const r = await run(clone);
    expect(r.exitCode).toBe(1);
    expect(fx.emu.calls('POST')).toHaveLength(1);
    expect(named()).toHaveLength(1);
    expect(r.outputs['error-code']).toBe('network');
    expect(r.annotations[0]?.message).toContain(
      'The project may have been created: look for "Fault batch" in Avala before running again, or set owner so that a re-run finds it instead of cloning again',
    );
  });

  it('with retries 0, a clone answered 500 still says the project may exist', async () => {
    fx.emu.inject({ method: 'POST', fault: { kind: 'act-then-status', status: 500 } });
    const r = await run({ ...clone, retries: '0' });
    expect(r.exitCode).toBe(1);
    expect(r.outputs['error-code']).toBe('http-500');
    expect(r.annotations[0]?.message).toContain('The project may have been created');
  });

  it('an approve with owner of unknown outcome is checked, never sent twice', async () => {
    fx.emu.inject({ method: 'POST', path: '/approve/', fault: { kind: 'act-then-drop' } });
    const r = await run({ ...clone, owner: 'acme', approve: 'true' });
    expect(r.exitCode).toBe(0);
    expect(r.outputs.status).toBe('active');
    expect(fx.emu.calls('POST', '/approve/')).toHaveLength(1);
  });

  it('an approve without owner of unknown outcome is not sent again', async () => {
    fx.emu.inject({ method: 'POST', path: '/approve/', fault: { kind: 'act-then-status', status: 502 } });
    const r = await run({ ...clone, approve: 'true' });
    expect(r.exitCode).toBe(1);
    expect(fx.emu.calls('POST', '/approve/')).toHaveLength(1);
    expect(r.outputs['error-code']).toBe('http-502');
    expect(r.annotations[0]?.message).toContain(
      'The project may have been approved: check its status before running again',
    );
  });

  it('a pause with owner that was not acted on is sent again after the check', async () => {
    fx.emu.inject({ method: 'POST', path: '/pause/', fault: { kind: 'status', status: 500 } });
    const r = await run({ action: 'pause', project: TEMPLATES.image, owner: 'acme' });
    expect(r.exitCode).toBe(0);
    expect(statuses('POST')).toEqual([500, 200]);
    expect(r.outputs).toMatchObject({ status: 'paused', changed: 'true' });
  });

  it('a clone answered 2xx without a uid is of unknown outcome: an error saying the project may exist, not a crash', async () => {
    fx.emu.inject({ method: 'POST', fault: { kind: 'missing-uid' } });
    const r = await run(clone);
    expect(r.exitCode).toBe(1);
    expect(r.outputs['error-code']).toBe('http-201');
    expect(r.annotations[0]?.message).toBe(
      'Avala API responded 201: the response is a project without a uid. The project may have been created: look for "Fault batch" in Avala before running again, or set owner so that a re-run finds it instead of cloning again (POST /api/v1/projects/create-from-existing/)',
    );
    expect(r.stderr).toBe('');
    expect(fx.emu.calls('POST')).toHaveLength(1);
  });

  it('with owner, a clone or approve answered 2xx with a body it cannot use is checked and found done', async () => {
    fx.emu.inject({ method: 'POST', path: '/create-from-existing/', fault: { kind: 'missing-uid' } });
    fx.emu.inject({ method: 'POST', path: '/approve/', fault: { kind: 'invalid-json' } });
    const r = await run({ ...clone, owner: 'acme', approve: 'true', retries: '0' });
    expect(r.exitCode, r.stdout).toBe(0);
    expect(r.outputs).toMatchObject({ uid: named()[0]?.uid, status: 'active', created: 'true' });
    expect(fx.emu.calls('POST', '/create-from-existing/')).toHaveLength(1);
    expect(fx.emu.calls('POST', '/approve/')).toHaveLength(1);
    expect(named()).toHaveLength(1);
  });

  it('invalid JSON is an error, not a crash', async () => {
    fx.emu.inject({ method: 'GET', fault: { kind: 'invalid-json' } });
    const r = await run({ action: 'list', owner: 'acme' });
    expect(r.exitCode).toBe(1);
    expect(r.outputs['error-code']).toBe('http-200');
    expect(r.annotations[0]?.message).toMatch(
      /^Avala API responded 200: expected a JSON response, got application\/json: /,
    );
  });
});

/** The milliseconds an attempt's log line gave, so that the rest of the line can be compared exactly. */
function ms(r: { stdout: string }, index: number): string {
  return [...r.stdout.matchAll(/ in (\d+) ms/g)][index]?.[1] ?? 'none';
}
