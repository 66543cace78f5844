/**
 * An answer cannot add a line to a line-per-item output: a later step that
 * pauses or cancels each line of `uids` or `created-uids` would act on a
 * project nobody asked for.
 */
import { describe, expect, it } from 'vitest';
import { DATASET, DATASETS, TEMPLATES } from '../emulator/seed.ts';
import { useEmulator } from './support/fixtures.ts';
import type { ActionRun } from './support/run-action.ts';

const fx = useEmulator();
const { run } = fx;
const clone = { template: TEMPLATES.image, dataset: DATASET, name: 'Forged batch' };
const named = () => fx.emu.projectsOf('acme').filter((p) => p.name === 'Forged batch');
/** A real project of another owner: the line an attacker would add. */
const OTHER = '770a9600-a40d-63f6-c938-668877670000';
const forged = `11111111-2222-3333-4444-555555555555\n${OTHER}`;

/** Every line of every output that lists uids, one per line. */
const lines = (r: ActionRun) => ['uid', 'uids', 'created-uids'].flatMap((name) => r.outputs[name]?.split('\n') ?? []);
const error = (r: ActionRun) => r.annotations.find((a) => a.level === 'error')?.message;

describe('a uid that is not one line of printable ASCII is a bad response', () => {
  it('a clone answered with a uid of two lines fails, saying the project may exist, and lists no uid', async () => {
    fx.emu.inject({ method: 'POST', fault: { kind: 'patch', project: { uid: forged } } });
    const r = await run(clone);
    expect(r.exitCode).toBe(1);
    expect(r.outputs['error-code']).toBe('bad-response');
    expect(error(r)).toBe(
      'Avala API responded 201: the response is a project whose uid "11111111-2222-3333-4444-555555555555\\n770a9600-a40d-63f6-c938…" is not one line of printable ASCII. The project may have been created: look for "Forged batch" in Avala before running again, or set owner so that a re-run finds it instead of cloning again (POST /api/v1/projects/create-from-existing/)',
    );
    expect(lines(r)).not.toContain(OTHER);
  });

  it('with owner, the clone is checked and found: the outputs name the project made, on one line', async () => {
    fx.emu.inject({ method: 'POST', fault: { kind: 'patch', project: { uid: forged } } });
    const r = await run({ ...clone, owner: 'acme' });
    expect(r.exitCode, r.stdout).toBe(0);
    expect(named()).toHaveLength(1);
    expect(r.outputs).toMatchObject({ uid: named()[0]?.uid, 'created-uids': named()[0]?.uid, created: 'true' });
    expect(lines(r)).not.toContain(OTHER);
  });

  it.each([
    ['a newline', forged],
    ['a carriage return', `${TEMPLATES.video}\r${OTHER}`],
    ['a space', `${TEMPLATES.video} ${OTHER}`],
    ['a line separator', `${TEMPLATES.video}\u2028${OTHER}`],
    ['a control character', `${TEMPLATES.video}\u0000`],
  ])('a listed project whose uid holds %s fails the list as bad-response, listing nothing', async (_, uid) => {
    fx.emu.inject({ method: 'GET', fault: { kind: 'patch', project: { uid } } });
    const r = await run({ action: 'list', owner: 'acme', limit: '3' });
    expect(r.exitCode).toBe(1);
    expect(r.outputs['error-code']).toBe('bad-response');
    expect(error(r)).toMatch(
      /^Avala API responded 200: the response is a project whose uid ".+" is not one line of printable ASCII \(GET \/api\/v1\/projects\/acme\/\?limit=3\)$/,
    );
    expect(r.outputs.uids).toBeUndefined();
    expect(lines(r)).not.toContain(OTHER);
  });

  it('a dataset answered with a uid of two lines fails as bad-response before any clone', async () => {
    fx.emu.inject({ method: 'GET', path: '/datasets/', fault: { kind: 'patch', project: { uid: forged } } });
    const r = await run({ ...clone, dataset: `acme/${DATASETS.street}` });
    expect(r.exitCode).toBe(1);
    expect(r.outputs['error-code']).toBe('bad-response');
    expect(error(r)).toContain('the response is a dataset whose uid "11111111-2222-3333-4444-555555555555\\n');
    expect(fx.emu.calls('POST')).toHaveLength(0);
  });

  it('a uid of any printable ASCII without spaces is still taken as it is', async () => {
    fx.emu.inject({ method: 'GET', fault: { kind: 'patch', project: { uid: 'A!~{}"#$%&/' } } });
    const r = await run({ action: 'list', owner: 'acme', limit: '2' });
    expect(r.exitCode).toBe(0);
    expect(r.outputs.uids).toBe('A!~{}"#$%&/\nA!~{}"#$%&/');
  });
});

describe('names from the repository cannot forge a line or a reference', () => {
  const checkout = async (dirs: string[]) => {
    const { mkdir, mkdtemp, writeFile } = await import('node:fs/promises');
    const { join } = await import('node:path');
    const { tmpdir } = await import('node:os');
    const ws = await mkdtemp(join(tmpdir(), 'avala-forged-'));
    for (const dir of dirs) {
      await mkdir(join(ws, dir), { recursive: true });
      await writeFile(join(ws, dir, 'a.jpg'), 'x');
    }
    return ws;
  };
  const dirs = { template: TEMPLATES.image, 'dataset-dirs': '*/*', owner: 'acme' };

  it('a parent directory whose name holds a line break is invalid-input, and missing-datasets gains no line', async () => {
    const ws = await checkout(['vision\nerror-code=x/not-uploaded', `datasets/${DATASETS.street}`]);
    const r = await run(dirs, { GITHUB_WORKSPACE: ws });
    expect(r.exitCode).toBe(1);
    expect(r.outputs['error-code']).toBe('invalid-input');
    expect(error(r)).toBe(
      'Invalid dataset directory "vision\\nerror-code=x/not-uploaded": its path holds a control character (a line break, a tab). Rename it, or exclude it with a ! line.',
    );
    expect(r.outputs['missing-datasets']).toBeUndefined();
    expect(fx.emu.calls()).toEqual([]);
  });

  it('a directory name quoted in an error is code in the summary, so GH-5 is no issue reference', async () => {
    const ws = await checkout(['datasets/GH-5']);
    const r = await run(dirs, { GITHUB_WORKSPACE: ws });
    expect(r.exitCode).toBe(1);
    expect(r.summary).toContain('Invalid dataset directory <code>&#34;datasets/GH-5&#34;</code>');
    expect(r.summary.replace(/<code>.*?<\/code>/g, '')).not.toContain('GH-5');
  });
});
