import { describe, expect, it } from 'vitest';
import { DATASET, KEYS, TEMPLATES } from '../emulator/seed.ts';
import { startEmulator } from '../emulator/server.ts';
import { useEmulator } from './support/fixtures.ts';
import { logLines, runInProcess } from './support/run-action.ts';

const fx = useEmulator({ bystander: true });
const { run } = fx;
const clone = { template: TEMPLATES.image, dataset: DATASET, name: 'Fault batch' };

describe('timeouts', () => {
  it('a hung server fails a read within (retries + 1) × timeout plus backoff', async () => {
    fx.emu.inject({ method: 'GET', times: 5, fault: { kind: 'hang' } });
    const r = await run({ action: 'list', owner: 'acme', timeout: '0.5', retries: '1' });
    expect(r.exitCode).toBe(1);
    expect(r.outputs['error-code']).toBe('timeout');
    expect(fx.emu.calls('GET')).toHaveLength(2);
    expect(r.ms).toBeGreaterThanOrEqual(1000);
    expect(r.ms).toBeLessThan(1000 + 500 + 3000);
    expect(r.annotations[0]?.message).toBe(
      'GET /api/v1/projects/acme/?limit=100 failed after 2 attempts: no response within 0.5 s',
    );
  });

  it('a hung server fails a step of several items within the same bound: later items send nothing', async () => {
    fx.emu.inject({ times: 50, fault: { kind: 'hang' } });
    const datasets = ['acme/a', 'acme/b', 'acme/c', 'acme/d', 'acme/e', 'acme/f'].join('\n');
    const r = await run({ template: TEMPLATES.image, dataset: datasets, timeout: '0.5', retries: '1' });
    expect(r.exitCode).toBe(1);
    expect(r.outputs['error-code']).toBe('timeout');
    // The first item's read and its retry time out; the five after it are failed without a request.
    expect(fx.emu.requests).toHaveLength(2);
    expect(r.ms).toBeLessThan(1000 + 500 + 3000);
    const results = JSON.parse(r.outputs.results ?? '[]') as Array<{ error_code: string; error: string }>;
    expect(results.map((e) => e.error_code)).toEqual(Array(6).fill('timeout'));
    expect(results[5]?.error).toContain('not sent: the API has answered nothing for 2 timeouts of 0.5 s');
  });

  it('a hung server fails a clone with owner within the same bound, its checks included', async () => {
    fx.emu.inject({ skip: 1, times: 10, fault: { kind: 'hang' } });
    const r = await run({ ...clone, owner: 'acme', timeout: '0.4', retries: '2' });
    expect(r.exitCode).toBe(1);
    expect(r.outputs['error-code']).toBe('timeout');
    // The first lookup is answered; then the clone and two checks time out: (retries + 1) silent attempts in all.
    expect(fx.emu.requests.map((q) => `${q.method} ${q.fault ?? q.status}`)).toEqual([
      'GET 200',
      'POST hang',
      'GET hang',
      'GET hang',
    ]);
    expect(r.ms).toBeGreaterThanOrEqual(1200);
    expect(r.ms).toBeLessThan(1200 + 1500 + 3000);
    expect(fx.emu.calls('POST')).toHaveLength(1);
  });

  it('a hung clone without owner is not sent again', async () => {
    fx.emu.inject({ method: 'POST', fault: { kind: 'hang' } });
    const r = await run({ ...clone, timeout: '0.5' });
    expect(r.exitCode).toBe(1);
    expect(r.outputs['error-code']).toBe('timeout');
    expect(fx.emu.calls('POST')).toHaveLength(1);
    expect(r.annotations[0]?.message).toContain('The project may have been created');
  });
});

describe('rate limits', () => {
  it('waits for X-RateLimit-Reset when X-RateLimit-Remaining reaches 0 instead of collecting a 429', async () => {
    const limited = await startEmulator({ rateLimit: { limit: 2, windowMs: 1500 } });
    try {
      limited.addProjects('acme', 250);
      const r = await runInProcess({
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
