/**
 * Hostile and broken answers, tried as an attacker and a flaky network would:
 * nothing injected into the log, no part of the key anywhere, memory and pages
 * bounded, waits read right, runs that race, and faults beside the API.
 */
import type { ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DATASET, KEYS, TEMPLATES } from '../emulator/seed.ts';
import { startEmulator } from '../emulator/server.ts';
import { useEmulator } from './support/fixtures.ts';
import { type ActionRun, logLines, RUNNER_TOKEN, runAction, runInProcess } from './support/run-action.ts';

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

describe('two runs racing', () => {
  it('two clones with owner: one creates, the other meets 409 and reuses', async () => {
    fx.emu.inject({ method: 'POST', times: 2, fault: { kind: 'delay', ms: 800 } });
    const [a, b] = await Promise.all([
      runProcess({ ...clone, owner: 'acme' }),
      runProcess({ ...clone, owner: 'acme' }),
    ]);
    expect([a?.exitCode, b?.exitCode]).toEqual([0, 0]);
    expect([a?.outputs.created, b?.outputs.created].sort()).toEqual(['false', 'true']);
    expect(a?.outputs.uid).toBe(b?.outputs.uid);
    expect(named()).toHaveLength(1);
    expect(
      fx.emu
        .calls('POST')
        .map((q) => q.status)
        .sort(),
    ).toEqual([201, 409]);
    expect([...(a ? logLines(a) : []), ...(b ? logLines(b) : [])]).toContainEqual(
      expect.stringContaining('(made by a concurrent run)'),
    );
  });

  it('two clones with approve: both succeed on the one active project', async () => {
    fx.emu.inject({ method: 'POST', path: '/create-from-existing/', times: 2, fault: { kind: 'delay', ms: 800 } });
    fx.emu.inject({ method: 'POST', path: '/approve/', times: 2, fault: { kind: 'delay', ms: 600 } });
    const inputs = { ...clone, owner: 'acme', approve: 'true' };
    const [a, b] = await Promise.all([runProcess(inputs), runProcess(inputs)]);
    expect([a?.exitCode, b?.exitCode], `${a?.stdout}\n${b?.stdout}`).toEqual([0, 0]);
    expect([a?.outputs.status, b?.outputs.status]).toEqual(['active', 'active']);
    expect(named()).toHaveLength(1);
    expect(fx.emu.calls('POST', '/approve/').filter((q) => q.status === 200)).toHaveLength(1);
    // What the other run found done is an info line: annotations are for what needs a person.
    expect([...(a?.annotations ?? []), ...(b?.annotations ?? [])]).toEqual([]);
    expect([...(a ? logLines(a) : []), ...(b ? logLines(b) : [])]).toContainEqual(
      expect.stringMatching(/is already active: nothing to do\.$/),
    );
  });
});

describe('faults beside the API', () => {
  it('a job summary that cannot be written is a warning; the clone succeeds', async () => {
    const r = await run(clone, { GITHUB_STEP_SUMMARY: '/nonexistent-dir/summary' });
    expect(r.exitCode).toBe(0);
    expect(r.outputs.created).toBe('true');
    expect(r.annotations).toContainEqual(
      expect.objectContaining({ level: 'warning', title: 'Avala job summary not written' }),
    );
  });

  it('an outputs file that cannot be written fails with one error line, no stack trace', async () => {
    const r = await runProcess(clone, { GITHUB_OUTPUT: join('/nonexistent-dir', 'output') });
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toBe('');
    expect(errors(r)).toHaveLength(1);
    expect(errors(r)[0]?.message).toMatch(/^Could not write the output uid to the file GITHUB_OUTPUT names: /);
    expect(r.stdout).not.toMatch(/\n\s+at /);
  });

  it('a proxy variable that is not a URL is invalid-input naming it, never echoed, before any request', async () => {
    const r = await run({ action: 'list', owner: 'acme' }, { HTTPS_PROXY: 'user:s3cret@proxy' });
    expect(r.exitCode).toBe(1);
    expect(r.outputs['error-code']).toBe('invalid-input');
    expect(errors(r)[0]?.message).toBe(
      'Invalid HTTPS_PROXY environment variable: expected a proxy URL such as http://proxy.example.com:3128.',
    );
    expect(r.everything).not.toContain('s3cret');
    expect(fx.emu.requests).toHaveLength(0);
  });

  it('a SIGTERM during a clone says the clone may have taken effect and sets error-code canceled', async () => {
    fx.emu.inject({ method: 'POST', fault: { kind: 'hang' } });
    const signal = (child: ChildProcess) => {
      const poll = setInterval(() => {
        if (fx.emu.calls('POST').length > 0) {
          clearInterval(poll);
          child.kill('SIGTERM');
        }
      }, 20);
    };
    const r = await runAction({ 'base-url': fx.emu.url, 'api-key': KEYS.pro, ...clone }, { onSpawn: signal });
    expect(r.exitCode).toBe(1);
    expect(r.outputs['error-code']).toBe('canceled');
    expect(errors(r)).toEqual([
      {
        level: 'error',
        title: 'Avala action canceled',
        message:
          'Canceled by SIGTERM while POST /api/v1/projects/create-from-existing/ was in flight: it may have taken effect at Avala, so check before running again (with owner, a re-run finds what it did).',
      },
    ]);
  });

  it('a 2xx clone whose body is cut midway is checked with owner, and said to be unknown without', async () => {
    fx.emu.inject({ method: 'POST', fault: { kind: 'cut-body' } });
    const checked = await run({ ...clone, owner: 'acme' });
    expect(checked.exitCode, checked.stdout).toBe(0);
    expect(checked.outputs).toMatchObject({ created: 'true', uid: named()[0]?.uid });
    fx.emu.reset();
    fx.emu.inject({ method: 'POST', fault: { kind: 'cut-body' } });
    const blind = await run(clone);
    expect(blind.exitCode).toBe(1);
    expect(errors(blind)[0]?.message).toContain('The project may have been created');
    expect(fx.emu.calls('POST')).toHaveLength(1);
  });

  it('a stack trace is a debug line only when the runner shows debug lines', async () => {
    const plain = await run({ action: 'pause', project: '00000000-0000-0000-0000-000000000000' });
    expect(plain.stdout).not.toContain('::debug::');
    const debug = await run(
      { action: 'pause', project: '00000000-0000-0000-0000-000000000000' },
      { RUNNER_DEBUG: '1' },
    );
    expect(debug.stdout).toMatch(/::debug::AvalaError: .*%0A\s+at /);
  });
});
