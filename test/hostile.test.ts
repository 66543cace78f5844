import { describe, expect, it } from 'vitest';
import { DATASET, KEYS, TEMPLATES } from '../emulator/seed.ts';
import { startEmulator } from '../emulator/server.ts';
import { useEmulator } from './support/fixtures.ts';
import { type ActionRun, logLines, RUNNER_TOKEN, runInProcess } from './support/run-action.ts';

const fx = useEmulator();
const { run, runProcess } = fx;
const clone = { template: TEMPLATES.image, dataset: DATASET, name: 'Hostile batch' };
const named = () => fx.emu.projectsOf('acme').filter((p) => p.name === 'Hostile batch');
const errors = (r: ActionRun) => r.annotations.filter((a) => a.level === 'error');

describe('text from the API cannot issue workflow commands', () => {
  const injected = 'Batch\n::set-output name=uid::hijacked\n::error::pwned\r\n::add-mask::acme';

  it('a hostile name, uid and status are printed escaped, and the outputs stay the action’s own', async () => {
    fx.emu.inject({
      method: 'POST',
      fault: { kind: 'patch', project: { name: injected, status: 'pending-approval\n::warning::w' } },
    });
    const r = await runProcess(clone);
    expect(r.exitCode, r.stdout).toBe(0);
    expect(r.outputs.uid).toBe(named()[0]?.uid);
    expect(r.outputs.name).toBe(injected);
    const commands = r.stdout.split(/\r?\n|\r/).filter((line) => /^\s*::/.test(line));
    expect(commands.filter((line) => !/^::(add-mask|group|endgroup|debug)::/.test(line))).toEqual([]);
    expect(commands.filter((line) => line.startsWith('::add-mask::'))).toEqual([
      `::add-mask::${KEYS.pro}`,
      `::add-mask::${RUNNER_TOKEN}`,
    ]);
    expect(logLines(r)).toContainEqual(
      expect.stringContaining('Batch\\n::set-output name=uid::hijacked\\n::error::pwned\\r\\n'),
    );
  });

  it('a listed page of hostile projects reaches the outputs intact and the log escaped', async () => {
    // A uid is one line of printable ASCII or a bad response (test/forged-lines.test.ts); the rest may hold anything.
    fx.emu.inject({
      method: 'GET',
      fault: { kind: 'patch', project: { name: injected, status: 'active\n::error::x' } },
    });
    const r = await run({ action: 'list', owner: 'acme', limit: '3' });
    expect(r.exitCode).toBe(0);
    expect(errors(r)).toEqual([]);
    expect(JSON.parse(r.outputs.projects ?? '[]')).toHaveLength(3);
    expect(
      r.stdout.split('\n').filter((line) => line.startsWith('::error') || line.startsWith('::set-output')),
    ).toEqual([]);
  });
});

describe('no part of the key leaves the process', () => {
  /** Every 10-character piece of the key: masking matches only the whole key, so a piece would show. */
  const pieces = Array.from({ length: KEYS.pro.length - 9 }, (_, i) => KEYS.pro.slice(i, i + 10));
  const leaks = (r: ActionRun) =>
    r.everything
      .split('\n')
      .filter((line) => !line.startsWith('::add-mask::'))
      .filter((line) => pieces.some((piece) => line.includes(piece)));

  it.each([
    [
      'an HTML error page, cut for the message',
      { kind: 'status', status: 502, text: `${'x'.repeat(110)}${KEYS.pro} tail` },
    ],
    [
      'a page cut at 4,000 characters for debug',
      { kind: 'status', status: 400, text: `${'y'.repeat(3990)}${KEYS.pro}` },
    ],
    [
      'detail, code and doc_url',
      {
        kind: 'status',
        status: 403,
        body: { detail: KEYS.pro, code: KEYS.pro, doc_url: `https://docs.avala.ai/${KEYS.pro}` },
      },
    ],
    ['a JSON-escaped detail', { kind: 'status', status: 400, text: `{"detail": "\\u0061${KEYS.pro.slice(1)}"}` }],
    ['a redirect Location', { kind: 'redirect', location: `https://${KEYS.pro}.example.com/` }],
  ] as const)('echoed in %s', async (_, fault) => {
    fx.emu.inject({ method: 'GET', times: 5, fault });
    const r = await run({ action: 'list', owner: 'acme', retries: '0' }, { RUNNER_DEBUG: '1' });
    expect(r.exitCode).toBe(1);
    expect(leaks(r)).toEqual([]);
    expect(r.everything).toContain('***');
  });

  it('echoed in a next link and in project fields, across log, outputs, projects-file and summary', async () => {
    fx.emu.addProjects('acme', 120);
    fx.emu.inject({
      method: 'GET',
      fault: {
        kind: 'patch',
        project: { short_description: KEYS.pro, name: `named ${KEYS.pro}` },
        page: { next: `${fx.emu.origin}/api/v1/projects/acme/?limit=100&cursor=${KEYS.pro}` },
      },
    });
    const r = await run({ action: 'list', owner: 'acme', limit: '150' }, { RUNNER_DEBUG: '1' });
    expect(leaks(r)).toEqual([]);
    expect(fx.emu.calls('GET')[1]?.path).toBe('/api/v1/projects/acme/?limit=100&cursor=***');
  });
});

describe('answers are bounded', () => {
  it.each([
    ['an endless body', { kind: 'endless' }],
    ['a gzip bomb', { kind: 'gzip-bomb' }],
    ['a 20 MB page', { kind: 'oversized', bytes: 20 * 1024 * 1024 }],
  ] as const)('%s fails as bad-response after 10 MB, and is not retried', async (_, fault) => {
    fx.emu.inject({ method: 'GET', times: 5, fault });
    const r = await run({ action: 'list', owner: 'acme' });
    expect(r.exitCode).toBe(1);
    expect(r.outputs['error-code']).toBe('bad-response');
    expect(errors(r)[0]?.message).toBe(
      'Avala API responded 200: the response is larger than the 10 MB the action reads (GET /api/v1/projects/acme/?limit=100)',
    );
    expect(fx.emu.calls('GET')).toHaveLength(1);
  });

  it('a clone answered with an oversized 2xx is of unknown outcome: with owner it is checked and found', async () => {
    fx.emu.inject({ method: 'POST', fault: { kind: 'oversized', bytes: 11 * 1024 * 1024 } });
    const r = await run({ ...clone, owner: 'acme' });
    expect(r.exitCode, r.stdout).toBe(0);
    expect(r.outputs).toMatchObject({ created: 'true', uid: named()[0]?.uid });
    expect(fx.emu.calls('POST')).toHaveLength(1);
  });

  it('a project too large for an output is left to projects-file, with a warning', async () => {
    fx.emu.inject({ method: 'POST', fault: { kind: 'patch', project: { short_description: 'd'.repeat(600_000) } } });
    const r = await run(clone);
    expect(r.exitCode).toBe(0);
    expect(r.outputs.project).toBeUndefined();
    expect(r.outputs.uid).toBe(named()[0]?.uid);
    expect(r.annotations).toContainEqual({
      level: 'warning',
      title: 'Avala output too large',
      message:
        'The project output would be larger than the 1 MB GitHub allows an output, so it is not set: read projects-file instead.',
    });
    expect(r.everything).toContain('d'.repeat(600_000));
  });

  it('a summary of huge names stays under GitHub’s 1 MiB', async () => {
    fx.emu.inject({ method: 'GET', fault: { kind: 'patch', project: { name: 'n'.repeat(100_000) } } });
    const r = await run({ action: 'list', owner: 'acme' });
    expect(r.exitCode).toBe(0);
    expect(Buffer.byteLength(r.summary)).toBeLessThan(64 * 1024);
  });

  it('a trickled body times out like a hung server', async () => {
    fx.emu.inject({ method: 'GET', fault: { kind: 'trickle', intervalMs: 100 } });
    const r = await run({ action: 'list', owner: 'acme', timeout: '1', retries: '0' });
    expect(r.exitCode).toBe(1);
    expect(r.outputs['error-code']).toBe('timeout');
    expect(r.ms).toBeLessThan(3000);
  });
});

describe('pagination always ends', () => {
  it('an empty page that links to another fails as bad-response', async () => {
    fx.emu.inject({ method: 'GET', times: 100, fault: { kind: 'endless-pages', empty: true } });
    const r = await run({ action: 'list', owner: 'acme', limit: '1000' });
    expect(r.outputs['error-code']).toBe('bad-response');
    expect(errors(r)[0]?.message).toContain('an empty page links to another (next without results)');
    expect(fx.emu.calls('GET')).toHaveLength(1);
  });
});

describe('rate limits', () => {
  it('a reset an hour away fails with rate-limited at once, sending nothing more', async () => {
    const limited = await startEmulator({ rateLimit: { limit: 1, windowMs: 3_600_000 } });
    try {
      const r = await runInProcess({ 'base-url': limited.url, 'api-key': KEYS.pro, ...clone, owner: 'acme' });
      expect(r.exitCode).toBe(1);
      expect(r.outputs['error-code']).toBe('rate-limited');
      expect(errors(r)[0]?.message).toMatch(
        /^POST \/api\/v1\/projects\/create-from-existing\/ failed: the API's rate limit resets in 3\d{3} s, later than the 60 s the action waits; not sent$/,
      );
      expect(limited.calls().map((q) => q.method)).toEqual(['GET']);
      expect(r.ms).toBeLessThan(5000);
    } finally {
      await limited.close();
    }
  });
});
