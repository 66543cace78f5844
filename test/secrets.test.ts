/**
 * Secrets under faults: the key and proxies (limits.test.ts has timeouts and rate limits).
 * Most runs are in process; those about the process itself (timing from spawn
 * to exit, the key in every byte written, TLS trust from the environment) run
 * src/index.ts as the runner would. faults.test.ts has retries and re-run safety.
 */
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { DATASET, KEYS, TEMPLATES } from '../emulator/seed.ts';
import { startEmulator } from '../emulator/server.ts';
import { useEmulator } from './support/fixtures.ts';
import { runAction } from './support/run-action.ts';
import { closedPort, startProxy } from './support/servers.ts';

const fx = useEmulator({ bystander: true });
const { run, runProcess } = fx;
const clone = { template: TEMPLATES.image, dataset: DATASET, name: 'Fault batch' };

describe('the key', () => {
  const leaks = (text: string) =>
    text
      .split('\n')
      .filter((line) => !line.startsWith('::add-mask::'))
      .filter((line) => line.includes(KEYS.pro));

  it('is masked first and appears nowhere else, debug logs included, across successes and failures', async () => {
    fx.emu.inject({ method: 'GET', fault: { kind: 'status', status: 500, body: { detail: `echo ${KEYS.pro}` } } });
    fx.emu.inject({ method: 'POST', path: '/approve/', fault: { kind: 'act-then-drop' } });
    const runs = [
      await runProcess({ ...clone, owner: 'acme', approve: 'true' }, { RUNNER_DEBUG: '1' }),
      await runProcess({ action: 'list', owner: 'acme' }, { RUNNER_DEBUG: '1' }),
      await runProcess({ action: 'pause', project: '00000000-0000-0000-0000-000000000000' }, { RUNNER_DEBUG: '1' }),
      await runAction(
        { 'base-url': fx.emu.url, 'api-key': '', action: 'list', owner: 'acme' },
        { env: { AVALA_API_KEY: KEYS.pro, RUNNER_DEBUG: '1' } },
      ),
    ];
    const invalid = await runAction(
      { 'base-url': fx.emu.url, 'api-key': '', action: 'list', owner: 'a/b' },
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
    fx.emu.inject({
      method: 'GET',
      times: 5,
      fault: { kind: 'status', status: 400, body: { detail: `bad key ${KEYS.pro}` } },
    });
    const r = await run({ action: 'list', owner: 'acme' });
    expect(r.exitCode).toBe(1);
    expect(r.annotations[0]?.message).toBe(
      'Avala API responded 400: bad key *** (GET /api/v1/projects/acme/?limit=100)',
    );
    expect(leaks(r.everything)).toEqual([]);
  });

  it('is not sent through a redirect to another origin', async () => {
    fx.emu.inject({
      method: 'POST',
      fault: { kind: 'redirect', location: `${fx.bystander.url}/api/v1/projects/create-from-existing/` },
    });
    const r = await run(clone);
    expect(r.exitCode).toBe(1);
    expect(r.outputs['error-code']).toBe('http-302');
    expect(r.annotations[0]?.message).toBe(
      `Avala API responded 302: redirect to ${fx.bystander.url} not followed: the API key is sent to base-url only (POST /api/v1/projects/create-from-existing/)`,
    );
  });

  it('is not sent to a pagination next URL on another origin', async () => {
    fx.emu.addProjects('acme', 150);
    fx.emu.inject({ method: 'GET', fault: { kind: 'foreign-next', origin: fx.bystander.url } });
    const r = await run({ action: 'list', owner: 'acme', limit: '500' });
    expect(r.exitCode).toBe(1);
    expect(fx.emu.calls('GET')).toHaveLength(1);
    expect(r.annotations[0]?.message).toContain(
      `refused to send the API key to ${fx.bystander.url}, which is not the base-url origin ${fx.emu.origin}`,
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
      expect(fx.emu.calls('POST')).toHaveLength(2);

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
    expect(fx.emu.requests).toHaveLength(0);
  });
});
