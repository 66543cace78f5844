/**
 * Behaviour under faults, through dist/index.js and the emulator's fault
 * injection: retries, rate limits, timeouts, re-run safety and the key.
 */
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { KEYS, TEMPLATES } from './emulator/accounts.ts';
import { type Emulator, startEmulator } from './emulator/emulator.ts';
import { logLines, runAction } from './support/run-action.ts';
import { closedPort, type Listening, startBystander, startProxy } from './support/servers.ts';

let emu: Emulator;
let bystander: Listening;
beforeAll(async () => {
  emu = await startEmulator({ rateLimit: false });
  bystander = await startBystander();
});
afterAll(async () => {
  await emu.close();
  await bystander.close();
});
beforeEach(() => emu.reset());
afterEach(() => expect(bystander.seen).toEqual([]));

const run = (inputs: Record<string, string>, env: Record<string, string> = {}) =>
  runAction({ 'base-url': emu.url, 'api-key': KEYS.pro, ...inputs }, { env });
const clone = { template: TEMPLATES.image, name: 'Fault batch' };
const named = () => emu.projectsOf('acme').filter((p) => p.name === 'Fault batch');
const statuses = (method: string, path?: string) => emu.calls(method, path).map((r) => r.status ?? r.fault);

describe('retries', () => {
  it('429 waits for Retry-After in seconds, then succeeds', async () => {
    emu.inject({ method: 'GET', fault: { kind: 'status', status: 429, retryAfter: '2' } });
    const r = await run({ action: 'list', owner: 'acme' });
    expect(r.exitCode).toBe(0);
    expect(statuses('GET')).toEqual([429, 200]);
    expect(r.ms).toBeGreaterThanOrEqual(2000);
    expect(r.ms).toBeLessThan(10_000);
    expect(logLines(r)).toContain('Waiting 2.0 s as Retry-After asks');
  });

  it('429 waits for Retry-After given as an HTTP date', async () => {
    const at = new Date(Math.ceil(Date.now() / 1000) * 1000 + 3000).toUTCString();
    emu.inject({ method: 'GET', fault: { kind: 'status', status: 429, retryAfter: at } });
    const started = Date.now();
    const r = await run({ action: 'list', owner: 'acme' });
    expect(r.exitCode).toBe(0);
    expect(statuses('GET')).toEqual([429, 200]);
    expect(emu.requests[1]?.path).toBeDefined();
    expect(Date.now()).toBeGreaterThanOrEqual(Date.parse(at));
    expect(Date.now() - started).toBeLessThan(12_000);
  });

  it('fails at once when Retry-After asks for longer than the action waits', async () => {
    emu.inject({ method: 'GET', fault: { kind: 'status', status: 429, retryAfter: '3600' } });
    const r = await run({ action: 'list', owner: 'acme' });
    expect(r.exitCode).toBe(1);
    expect(r.outputs['error-code']).toBe('http-429');
    expect(r.annotations[0]?.message).toContain('the API asks to wait 3600 s, longer than the 60 s the action waits');
    expect(r.ms).toBeLessThan(10_000);
  });

  it('a 429 on a clone is retried: the server did not act, and one project results', async () => {
    emu.inject({ method: 'POST', fault: { kind: 'status', status: 429, retryAfter: '1' } });
    const r = await run(clone);
    expect(r.exitCode).toBe(0);
    expect(statuses('POST')).toEqual([429, 201]);
    expect(named()).toHaveLength(1);
  });

  it('a 503 on an approve is retried, and the project is approved once', async () => {
    emu.inject({ method: 'POST', path: '/approve/', fault: { kind: 'status', status: 503 } });
    const r = await run({ ...clone, approve: 'true' });
    expect(r.exitCode).toBe(0);
    expect(statuses('POST', '/approve/')).toEqual([503, 200]);
    expect(named()[0]?.status).toBe('active');
  });

  it.each([500, 502, 503, 504])('GET is retried after %i with backoff', async (status) => {
    emu.inject({ method: 'GET', times: 2, fault: { kind: 'status', status } });
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
    emu.inject({ method: 'GET', fault: { kind: 'drop' } });
    const r = await run({ action: 'list', owner: 'acme' });
    expect(r.exitCode).toBe(0);
    expect(statuses('GET')).toEqual(['drop', 200]);
  });

  it('gives up after retries, reporting every attempt', async () => {
    emu.inject({ method: 'GET', times: 10, fault: { kind: 'html-502' } });
    const r = await run({ action: 'list', owner: 'acme', retries: '2' });
    expect(r.exitCode).toBe(1);
    expect(emu.calls('GET')).toHaveLength(3);
    expect(r.outputs['error-code']).toBe('http-502');
    expect(r.annotations[0]?.message).toBe(
      'Avala API answered 502: expected a JSON answer, got text/html: "502 Bad Gateway 502 Bad Gateway nginx" (GET /api/v1/projects/acme/?limit=100 after 3 attempts)',
    );
    expect(r.stderr).toBe('');
  });

  it('a connection refused is retried, even for a clone, and reported as network', async () => {
    const port = await closedPort();
    const r = await runAction({
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
    emu.inject({ method: 'POST', fault: { kind: 'act-then-drop' } });
    const r = await run({ ...clone, owner: 'acme' });
    expect(r.exitCode).toBe(0);
    expect(r.outputs).toMatchObject({ created: 'true', changed: 'true', uid: named()[0]?.uid });
    expect(named()).toHaveLength(1);
    expect(emu.calls('POST')).toHaveLength(1);
    expect(logLines(r)).toContain(
      'The outcome of POST /api/v1/projects/create-from-existing/ is unknown; checking before trying again',
    );
  });

  it('a clone with owner sends again when the check finds nothing', async () => {
    emu.inject({ method: 'POST', fault: { kind: 'drop' } });
    const r = await run({ ...clone, owner: 'acme' });
    expect(r.exitCode).toBe(0);
    expect(statuses('POST')).toEqual(['drop', 201]);
    expect(named()).toHaveLength(1);
  });

  it('a clone with owner whose server acted and answered 500 is found, not cloned twice', async () => {
    emu.inject({ method: 'POST', fault: { kind: 'act-then-status', status: 500 } });
    const r = await run({ ...clone, owner: 'acme', approve: 'true' });
    expect(r.exitCode).toBe(0);
    expect(named()).toHaveLength(1);
    expect(named()[0]?.status).toBe('active');
    expect(emu.calls('POST', '/create-from-existing/')).toHaveLength(1);
  });

  it('a clone without owner is not sent again, and the message says the project may exist', async () => {
    emu.inject({ method: 'POST', fault: { kind: 'act-then-drop' } });
    const r = await run(clone);
    expect(r.exitCode).toBe(1);
    expect(emu.calls('POST')).toHaveLength(1);
    expect(named()).toHaveLength(1);
    expect(r.outputs['error-code']).toBe('network');
    expect(r.annotations[0]?.message).toContain(
      'The project may have been created: look for "Fault batch" in Avala before running again, or set owner so that a re-run finds it instead of cloning again',
    );
  });

  it('with retries 0, a clone answered 500 still says the project may exist', async () => {
    emu.inject({ method: 'POST', fault: { kind: 'act-then-status', status: 500 } });
    const r = await run({ ...clone, retries: '0' });
    expect(r.exitCode).toBe(1);
    expect(r.outputs['error-code']).toBe('http-500');
    expect(r.annotations[0]?.message).toContain('The project may have been created');
  });

  it('an approve with owner of unknown outcome is checked, never sent twice', async () => {
    emu.inject({ method: 'POST', path: '/approve/', fault: { kind: 'act-then-drop' } });
    const r = await run({ ...clone, owner: 'acme', approve: 'true' });
    expect(r.exitCode).toBe(0);
    expect(r.outputs.status).toBe('active');
    expect(emu.calls('POST', '/approve/')).toHaveLength(1);
  });

  it('an approve without owner of unknown outcome is not sent again', async () => {
    emu.inject({ method: 'POST', path: '/approve/', fault: { kind: 'act-then-status', status: 502 } });
    const r = await run({ ...clone, approve: 'true' });
    expect(r.exitCode).toBe(1);
    expect(emu.calls('POST', '/approve/')).toHaveLength(1);
    expect(r.outputs['error-code']).toBe('http-502');
    expect(r.annotations[0]?.message).toContain(
      'The project may have been approved: check its status before running again',
    );
  });

  it('a pause with owner that was not acted on is sent again after the check', async () => {
    emu.inject({ method: 'POST', path: '/pause/', fault: { kind: 'status', status: 500 } });
    const r = await run({ action: 'pause', project: TEMPLATES.image, owner: 'acme' });
    expect(r.exitCode).toBe(0);
    expect(statuses('POST')).toEqual([500, 200]);
    expect(r.outputs).toMatchObject({ status: 'paused', changed: 'true' });
  });

  it('an answer without uid is an error, not a crash', async () => {
    emu.inject({ method: 'POST', fault: { kind: 'missing-uid' } });
    const r = await run(clone);
    expect(r.exitCode).toBe(1);
    expect(r.outputs['error-code']).toBe('http-201');
    expect(r.annotations[0]?.message).toBe(
      'Avala API answered 201: the answer is a project without a uid (POST /api/v1/projects/create-from-existing/)',
    );
    expect(r.stderr).toBe('');
  });

  it('invalid JSON is an error, not a crash', async () => {
    emu.inject({ method: 'GET', fault: { kind: 'invalid-json' } });
    const r = await run({ action: 'list', owner: 'acme' });
    expect(r.exitCode).toBe(1);
    expect(r.outputs['error-code']).toBe('http-200');
    expect(r.annotations[0]?.message).toMatch(
      /^Avala API answered 200: expected a JSON answer, got application\/json: /,
    );
  });
});

describe('timeouts', () => {
  it('a hung server fails a read within (retries + 1) × timeout plus backoff', async () => {
    emu.inject({ method: 'GET', times: 5, fault: { kind: 'hang' } });
    const r = await run({ action: 'list', owner: 'acme', timeout: '1', retries: '1' });
    expect(r.exitCode).toBe(1);
    expect(r.outputs['error-code']).toBe('timeout');
    expect(emu.calls('GET')).toHaveLength(2);
    expect(r.ms).toBeGreaterThanOrEqual(2000);
    expect(r.ms).toBeLessThan(2000 + 500 + 3000);
    expect(r.annotations[0]?.message).toBe(
      'GET /api/v1/projects/acme/?limit=100 failed after 2 attempts: no answer within 1 s',
    );
  });

  it('a hung server fails a clone with owner within the same bound, its checks included', async () => {
    emu.inject({ skip: 1, times: 10, fault: { kind: 'hang' } });
    const r = await run({ ...clone, owner: 'acme', timeout: '1', retries: '2' });
    expect(r.exitCode).toBe(1);
    expect(r.outputs['error-code']).toBe('timeout');
    // The first lookup is answered; then the clone and two checks time out: (retries + 1) silent attempts in all.
    expect(emu.requests.map((q) => `${q.method} ${q.fault ?? q.status}`)).toEqual([
      'GET 200',
      'POST hang',
      'GET hang',
      'GET hang',
    ]);
    expect(r.ms).toBeGreaterThanOrEqual(3000);
    expect(r.ms).toBeLessThan(3000 + 1500 + 3000);
    expect(emu.calls('POST')).toHaveLength(1);
  });

  it('a hung clone without owner is not sent again', async () => {
    emu.inject({ method: 'POST', fault: { kind: 'hang' } });
    const r = await run({ ...clone, timeout: '0.5' });
    expect(r.exitCode).toBe(1);
    expect(r.outputs['error-code']).toBe('timeout');
    expect(emu.calls('POST')).toHaveLength(1);
    expect(r.annotations[0]?.message).toContain('The project may have been created');
  });
});

describe('rate limits', () => {
  it('waits for X-RateLimit-Reset when X-RateLimit-Remaining reaches 0 instead of collecting a 429', async () => {
    const limited = await startEmulator({ rateLimit: { limit: 2, windowMs: 1500 } });
    try {
      limited.addProjects('acme', 250);
      const r = await runAction({
        'base-url': limited.url,
        'api-key': KEYS.pro,
        action: 'list',
        owner: 'acme',
        limit: '300',
      });
      expect(r.exitCode).toBe(0);
      expect(r.outputs.count).toBe(String(250 + 6));
      expect(limited.calls('GET').map((q) => q.status)).toEqual([200, 200, 200]);
      expect(logLines(r).some((l) => /^Rate limit reached; waiting \d\.\d s for X-RateLimit-Reset$/.test(l))).toBe(
        true,
      );
    } finally {
      await limited.close();
    }
  });
});

describe('the key', () => {
  const leaks = (text: string) =>
    text
      .split('\n')
      .filter((line) => !line.startsWith('::add-mask::'))
      .filter((line) => line.includes(KEYS.pro));

  it('is masked first and appears nowhere else, debug logs included, across successes and failures', async () => {
    emu.inject({ method: 'GET', fault: { kind: 'status', status: 500, body: { detail: `echo ${KEYS.pro}` } } });
    emu.inject({ method: 'POST', path: '/approve/', fault: { kind: 'act-then-drop' } });
    const runs = [
      await run({ ...clone, owner: 'acme', approve: 'true' }, { RUNNER_DEBUG: '1' }),
      await run({ action: 'list', owner: 'acme' }, { RUNNER_DEBUG: '1' }),
      await run({ action: 'pause', project: '00000000-0000-0000-0000-000000000000' }, { RUNNER_DEBUG: '1' }),
      await runAction(
        { 'base-url': emu.url, 'api-key': '', action: 'list', owner: 'acme' },
        { env: { AVALA_API_KEY: KEYS.pro, RUNNER_DEBUG: '1' } },
      ),
    ];
    const invalid = await runAction(
      { 'base-url': emu.url, 'api-key': '', action: 'list', owner: 'a/b' },
      { env: { AVALA_API_KEY: KEYS.pro, RUNNER_DEBUG: '1' } },
    );
    expect(runs.map((r) => r.exitCode)).toEqual([0, 0, 1, 0]);
    for (const r of [...runs, invalid]) {
      expect(r.stdout.split('\n')[0]).toBe(`::add-mask::${KEYS.pro}`);
      expect(leaks(r.everything)).toEqual([]);
    }
    for (const r of runs) expect(r.stdout).toContain('::debug::');
  });

  it('an API error that echoes the key is redacted', async () => {
    emu.inject({
      method: 'GET',
      times: 5,
      fault: { kind: 'status', status: 400, body: { detail: `bad key ${KEYS.pro}` } },
    });
    const r = await run({ action: 'list', owner: 'acme' });
    expect(r.exitCode).toBe(1);
    expect(r.annotations[0]?.message).toBe(
      'Avala API answered 400: bad key *** (GET /api/v1/projects/acme/?limit=100)',
    );
    expect(leaks(r.everything)).toEqual([]);
  });

  it('is not sent through a redirect to another origin', async () => {
    emu.inject({
      method: 'POST',
      fault: { kind: 'redirect', location: `${bystander.url}/api/v1/projects/create-from-existing/` },
    });
    const r = await run(clone);
    expect(r.exitCode).toBe(1);
    expect(r.outputs['error-code']).toBe('http-302');
    expect(r.annotations[0]?.message).toBe(
      `Avala API answered 302: redirect to ${bystander.url} not followed: the API key is sent to base-url only (POST /api/v1/projects/create-from-existing/)`,
    );
  });

  it('is not sent to a pagination next URL on another origin', async () => {
    emu.addProjects('acme', 150);
    emu.inject({ method: 'GET', fault: { kind: 'foreign-next', origin: bystander.url } });
    const r = await run({ action: 'list', owner: 'acme', limit: '500' });
    expect(r.exitCode).toBe(1);
    expect(emu.calls('GET')).toHaveLength(1);
    expect(r.annotations[0]?.message).toContain(
      `refused to send the API key to ${bystander.url}, which is not the base-url origin ${emu.origin}`,
    );
  });
});

describe('proxies', () => {
  it('HTTP_PROXY carries every request, and NO_PROXY exempts a host', async () => {
    const proxy = await startProxy();
    try {
      const through = await run({ ...clone, approve: 'true' }, { HTTP_PROXY: proxy.url });
      expect(through.exitCode, through.stdout).toBe(0);
      expect(proxy.seen.length).toBeGreaterThanOrEqual(1);
      expect(proxy.seen.join('\n')).toContain('127.0.0.1');
      expect(emu.calls('POST')).toHaveLength(2);

      proxy.seen.length = 0;
      const bypass = await run({ action: 'list', owner: 'acme' }, { HTTP_PROXY: proxy.url, NO_PROXY: '127.0.0.1' });
      expect(bypass.exitCode).toBe(0);
      expect(proxy.seen).toEqual([]);
    } finally {
      await proxy.close();
    }
  });

  it('HTTPS_PROXY tunnels an https base-url through CONNECT', async () => {
    const fixtures = new URL('./fixtures/', import.meta.url);
    const cert = await readFile(new URL('localhost-cert.pem', fixtures), 'utf8');
    const secure = await startEmulator({
      rateLimit: false,
      tls: { cert, key: await readFile(new URL('localhost-key.pem', fixtures), 'utf8') },
    });
    const proxy = await startProxy();
    try {
      const r = await runAction(
        { 'base-url': secure.url, 'api-key': KEYS.pro, ...clone, owner: 'acme', approve: 'true' },
        {
          env: { HTTPS_PROXY: proxy.url, NODE_EXTRA_CA_CERTS: fileURLToPath(new URL('localhost-cert.pem', fixtures)) },
        },
      );
      expect(r.exitCode, r.stdout).toBe(0);
      expect(secure.url).toMatch(/^https:/);
      expect(proxy.seen).toEqual([`CONNECT ${new URL(secure.url).host}`]);
      expect(secure.requests.map((q) => q.method)).toEqual(['GET', 'POST', 'POST']);
      expect(r.outputs.status).toBe('active');
    } finally {
      await proxy.close();
      await secure.close();
    }
  });

  it('a proxy that is down is a network error, not a hang', async () => {
    const port = await closedPort();
    const r = await run(
      { action: 'list', owner: 'acme', retries: '0' },
      { HTTPS_PROXY: `http://127.0.0.1:${port}`, HTTP_PROXY: `http://127.0.0.1:${port}` },
    );
    expect(r.exitCode).toBe(1);
    expect(r.outputs['error-code']).toBe('network');
    expect(emu.requests).toHaveLength(0);
  });
});

/** The milliseconds an attempt's log line gave, so that the rest of the line can be compared exactly. */
function ms(r: { stdout: string }, index: number): string {
  return [...r.stdout.matchAll(/ in (\d+) ms/g)][index]?.[1] ?? 'none';
}
