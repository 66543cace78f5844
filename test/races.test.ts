/**
 * Runs that race, and faults beside the API: the job summary, the outputs
 * file, proxy variables, a SIGTERM, a body cut midway. hostile.test.ts has
 * hostile answers.
 */
import type { ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DATASET, KEYS, TEMPLATES } from '../emulator/seed.ts';
import { useEmulator } from './support/fixtures.ts';
import { type ActionRun, logLines, runAction } from './support/run-action.ts';

const fx = useEmulator();
const { run, runProcess } = fx;
const clone = { template: TEMPLATES.image, dataset: DATASET, name: 'Hostile batch' };
const named = () => fx.emu.projectsOf('acme').filter((p) => p.name === 'Hostile batch');
const errors = (r: ActionRun) => r.annotations.filter((a) => a.level === 'error');

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
