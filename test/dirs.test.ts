/**
 * dataset-dirs: the checkout becomes projects (contract rules 21–23 and 28–30).
 * The discovery over real directories; lookups at scale against the emulator;
 * the action in process with GITHUB_WORKSPACE, and once as a process.
 */
import { readFileSync } from 'node:fs';
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DATASETS, KEYS, TEMPLATES } from '../emulator/seed.ts';
import { AvalaClient } from '../src/api/client.ts';
import { HttpClient } from '../src/api/http.ts';
import { findDatasetDirs, parseDirGlobs } from '../src/inputs/dataset-dirs.ts';
import { InputError } from '../src/inputs/errors.ts';
import { findByNames } from '../src/procedures/lookup.ts';
import { useEmulator } from './support/fixtures.ts';
import { type ActionRun, logLines, runAction } from './support/run-action.ts';

const fx = useEmulator();
const contract = JSON.parse(readFileSync(new URL('./fixtures/contract.json', import.meta.url), 'utf8')) as {
  projectFields: string[];
};
let root: string;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'avala-dirs-'));
});
afterAll(() => rm(root, { recursive: true, force: true }));

let count = 0;
/** A checkout with these directories (each holding a file) and files. */
async function checkout(dirs: string[], files: string[] = ['README.md']): Promise<string> {
  const ws = join(root, `ws${++count}`);
  for (const dir of dirs) {
    await mkdir(join(ws, dir), { recursive: true });
    await writeFile(join(ws, dir, 'a.jpg'), 'x');
  }
  for (const file of files) await writeFile(join(ws, file), 'x');
  return ws;
}

type Entry = { input: string; planned: string | null; created: boolean; error_code: string | null };
const results = (r: ActionRun) => JSON.parse(r.outputs.results ?? '[]') as Entry[];
const inputs = (over: Record<string, string> = {}) => ({
  template: TEMPLATES.image,
  'dataset-dirs': 'datasets/*',
  owner: 'acme',
  ...over,
});
const run = (ws: string, over: Record<string, string> = {}) => fx.run(inputs(over), { GITHUB_WORKSPACE: ws });

describe('the directories of the checkout', () => {
  it('match by glob in glob order, sorted within one; ! lines exclude; hidden dirs and symlinks are skipped', async () => {
    const ws = await checkout(['datasets/b', 'datasets/a', 'datasets/.cache', 'datasets/tools', 'lidar/l1', 'x/y']);
    await symlink(join(ws, 'x'), join(ws, 'datasets', 'linked'));
    await writeFile(join(ws, 'datasets', 'file-not-dir'), 'x');
    const globs = parseDirGlobs('lidar/*\n!datasets/tools\ndatasets/*\n\n');
    expect(await findDatasetDirs(ws, globs)).toEqual(['lidar/l1', 'datasets/a', 'datasets/b']);
    expect(await findDatasetDirs(ws, parseDirGlobs('datasets/{a,b}\n{lidar,x}/[ly]?'))).toEqual([
      'datasets/a',
      'datasets/b',
      'lidar/l1',
    ]);
    expect(await findDatasetDirs(ws, parseDirGlobs('nothing/*'))).toEqual([]);
  });

  it.each([
    ['datasets/**', '** is refused'],
    ['/datasets/*', 'absolute'],
    ['datasets/../*', '..'],
    ['datasets\\*', 'backslashes'],
    ['C:/data/*', 'absolute'],
    ['{datasets/a,b}', 'may not hold /'],
    ['!datasets/x', 'at least one directory pattern'],
  ])('refuses %j, naming dataset-dirs', (glob, why) => {
    expect(() => parseDirGlobs(glob)).toThrow(InputError);
    expect(() => parseDirGlobs(glob)).toThrow(new RegExp(`^Invalid dataset-dirs.*${why.replace(/[*.]/g, '\\$&')}`));
  });

  it('refuses two directories of one name, naming both, and a name that is no slug', async () => {
    const twins = await checkout(['datasets/x', 'archive/x']);
    await expect(findDatasetDirs(twins, parseDirGlobs('datasets/*\narchive/*'))).rejects.toThrow(
      'the directories "datasets/x" and "archive/x" have one name',
    );
    const upper = await checkout(['datasets/Street']);
    await expect(findDatasetDirs(upper, parseDirGlobs('datasets/*'))).rejects.toThrow(
      'Invalid dataset directory "datasets/Street"',
    );
  });

  it('without a checkout says to add actions/checkout', async () => {
    const empty = await checkout([], []);
    await mkdir(empty, { recursive: true });
    for (const ws of [undefined, join(root, 'missing'), empty]) {
      await expect(findDatasetDirs(ws, parseDirGlobs('datasets/*'))).rejects.toThrow(/Add actions\/checkout/);
    }
  });
});

describe('lookups at scale', () => {
  const client = () => {
    const http = new HttpClient({
      baseUrl: new URL(fx.emu.url),
      apiKey: KEYS.pro,
      userAgent: 'test',
      timeoutMs: 5000,
      retries: 0,
      log: { info: () => undefined },
    });
    return new AvalaClient(http);
  };

  it('500 names that all exist, for an owner of 1,000 projects, cost at most 10 requests', async () => {
    fx.emu.addProjects('acme', 1000, 'Dir');
    const names = Array.from({ length: 500 }, (_, i) => `Dir ${String(i * 2 + 1).padStart(5, '0')}`);
    const found = await findByNames(client(), 'acme', names);
    expect(found.found.size).toBe(500);
    expect(fx.emu.calls('GET').length).toBeLessThanOrEqual(10);
  });

  it('3 names cost 3 lookups, however many projects the owner has', async () => {
    fx.emu.addProjects('acme', 1000, 'Dir');
    const found = await findByNames(client(), 'acme', ['Dir 00007', 'Dir 00999', 'none']);
    expect([...found.found.keys()]).toEqual(['Dir 00007', 'Dir 00999']);
    expect(fx.emu.calls('GET').map((q) => q.path)).toEqual([
      '/api/v1/projects/acme/?name=Dir+00007&limit=100',
      '/api/v1/projects/acme/?name=Dir+00999&limit=100',
      '/api/v1/projects/acme/?name=none&limit=100',
    ]);
  });

  it('a listing that runs as long as the names still unfound gives way to one lookup each', async () => {
    fx.emu.addProjects('acme', 3000, 'Old');
    const names = Array.from({ length: 12 }, (_, i) => `New ${i}`);
    expect((await findByNames(client(), 'acme', names)).found.size).toBe(0);
    // 12 pages of the listing, then the 12 names one by one: never more than twice the cheaper way.
    expect(fx.emu.calls('GET').length).toBe(24);
  });
});

describe('the action', () => {
  it('clones onto every directory without a project, reuses the rest, and says which is which', async () => {
    const ws = await checkout([
      `datasets/${DATASETS.street}`,
      `datasets/${DATASETS.lidar}`,
      `datasets/${DATASETS.scan}`,
      'datasets/not-uploaded',
    ]);
    const first = await run(ws, { 'dataset-dirs': 'datasets/*\n!datasets/not-uploaded\n!datasets/scan-*' });
    expect(first.exitCode, first.stdout).toBe(0);
    const bodies = fx.emu.calls('POST').map((q) => JSON.parse(q.body));
    expect(bodies.map((b) => [b.name, Object.keys(b).filter((k) => k.endsWith('_uid'))])).toEqual([
      [`datasets-${DATASETS.lidar}`, ['source_project_uid', 'lidar_dataset_uid']],
      [`datasets-${DATASETS.street}`, ['source_project_uid', 'image_dataset_uid']],
    ]);
    expect(first.outputs['created-uids']?.split('\n')).toHaveLength(2);

    const again = await run(ws);
    expect(again.exitCode).toBe(1);
    expect(results(again).map((e) => [e.input, e.created, e.error_code])).toEqual([
      ['datasets/lidar-2026-w47', false, null],
      ['datasets/not-uploaded', false, 'dataset-not-found'],
      ['datasets/scan-2026-w47', false, 'unsupported-dataset'],
      ['datasets/street-2026-w47', false, null],
    ]);
    expect(again.outputs).toMatchObject({
      'missing-datasets': 'datasets/not-uploaded',
      'created-uids': '',
      created: 'false',
      count: '2',
      failed: '2',
    });
    expect(logLines(again)).toContain('Started 0 billable projects and stopped 0; 2 unchanged, 0 skipped, 2 failed.');
  });

  it('with everything done, sends only the lookups and sets every output', async () => {
    const ws = await checkout([`datasets/${DATASETS.street}`, `datasets/${DATASETS.street2}`]);
    await run(ws, { approve: 'true' });
    fx.emu.requests.length = 0;
    const r = await run(ws, { approve: 'true' });
    expect(r.exitCode).toBe(0);
    expect(fx.emu.calls().map((q) => q.method)).toEqual(['GET', 'GET']);
    expect(r.outputs).toMatchObject({
      created: 'false',
      changed: 'false',
      'created-uids': '',
      count: '2',
      failed: '0',
    });
    expect(r.annotations).toEqual([]);
    const project = JSON.parse(r.outputs.projects ?? '[]')[0];
    expect(Object.keys(project)).toEqual(contract.projectFields);
  });

  it('a dry run plans each directory, counts each kind, lists changes first and names what to upload', async () => {
    const ws = await checkout([
      `datasets/${DATASETS.street}`,
      `datasets/${DATASETS.street2}`,
      `datasets/${DATASETS.drive}`,
      'datasets/new-one',
    ]);
    await run(ws, { 'dataset-dirs': `datasets/${DATASETS.drive}` });
    await run(ws, { 'dataset-dirs': `datasets/${DATASETS.street2}`, approve: 'false' });
    fx.emu.requests.length = 0;
    const r = await run(ws, { 'dry-run': 'true', approve: 'true' });
    expect(r.exitCode, r.stdout).toBe(0);
    expect(fx.emu.calls('POST')).toEqual([]);
    expect(results(r).map((e) => [e.input, e.planned])).toEqual([
      [`datasets/${DATASETS.drive}`, 'approve'],
      ['datasets/new-one', 'not-uploaded'],
      [`datasets/${DATASETS.street}`, 'create'],
      [`datasets/${DATASETS.street2}`, 'approve'],
    ]);
    expect(r.outputs['missing-datasets']).toBe('datasets/new-one');
    expect(r.summary).toContain(
      'Would start 3 billable projects (1 create and approve, 2 approve) and stop 0. 0 unchanged, 1 not uploaded yet, 0 skipped, 0 failed.',
    );
    const order = ['would create and approve', 'would approve', 'not uploaded yet'].map((s) =>
      r.summary.indexOf(`<td>${s}</td>`),
    );
    // A project to create is named in the plan, as the reviewer will find it in Avala.
    expect(r.summary).toContain(`<td><code>datasets-${DATASETS.street}</code></td><td></td>`);
    expect(order.every((at) => at > 0)).toBe(true);
    expect(order).toEqual([...order].sort((a, b) => a - b));
  });

  it('refuses to make more billable starts than max-new-projects, and a plan says so after planning', async () => {
    const ws = await checkout([`datasets/${DATASETS.street}`, `datasets/${DATASETS.street2}`, 'datasets/later']);
    const r = await run(ws, { 'max-new-projects': '1', approve: 'true' });
    expect(r.exitCode).toBe(1);
    expect(r.outputs['error-code']).toBe('too-many-projects');
    expect(fx.emu.calls('POST')).toEqual([]);
    expect(r.annotations[0]?.message).toMatch(
      /^This run would make 2 billable starts \(2 to create and approve\) \(max-new-projects: 1\), more than max-new-projects allows: nothing was created or changed\. If the plan is right, run once with max-new-projects: 2 \(or more\), then set it back\.$/,
    );
    // The plan counts the directory not uploaded yet: the upload after it makes a third project to create.
    const plan = await run(ws, { 'max-new-projects': '2', 'dry-run': 'true' });
    expect(plan.exitCode).toBe(1);
    expect(plan.outputs).toMatchObject({ 'error-code': 'too-many-projects', 'missing-datasets': 'datasets/later' });
    expect(results(plan).map((e) => e.planned)).toEqual(['not-uploaded', 'create', 'create']);
    expect(plan.summary).toContain('<td>would create</td>');
    expect(plan.summary).toMatch(/^<h3>❌ Avala: clone template/);
    // A real run cannot create what is not uploaded: it counts the two it can.
    const apply = await run(ws, { 'max-new-projects': '2' });
    expect(results(apply).map((e) => e.error_code)).toEqual(['dataset-not-found', null, null]);
    expect(fx.emu.calls('POST')).toHaveLength(2);
  });

  it('a directory whose reads fail is one failed item; a failure every item would meet stops the run', async () => {
    const ws = await checkout([
      `datasets/${DATASETS.street}`,
      `datasets/${DATASETS.street2}`,
      `datasets/${DATASETS.drive}`,
    ]);
    fx.emu.inject({
      method: 'GET',
      path: `/datasets/acme/${DATASETS.street}/`,
      fault: { kind: 'status', status: 500 },
    });
    const one = await run(ws, { retries: '0' });
    expect(results(one).map((e) => [e.input, e.error_code])).toEqual([
      [`datasets/${DATASETS.drive}`, null],
      [`datasets/${DATASETS.street}`, 'http-500'],
      [`datasets/${DATASETS.street2}`, null],
    ]);
    expect(one.outputs).toMatchObject({ failed: '1', count: '2', created: 'true' });

    fx.emu.reset();
    fx.emu.inject({ method: 'GET', path: '/projects/acme/', skip: 1, fault: { kind: 'status', status: 401 } });
    const all = await run(ws, { 'dry-run': 'true' });
    expect(all.exitCode).toBe(1);
    // The lookups come before any directory's plan: the first directory carries the error, the others are not tried.
    expect(results(all).map((e) => [e.error_code, e.planned])).toEqual([
      ['http-401', 'failed'],
      ['not-tried', 'failed'],
      ['not-tried', 'failed'],
    ]);
    expect(all.outputs).toMatchObject({ 'error-code': 'http-401', failed: '3', created: 'false', count: '0' });
  });

  it.each([
    [{ name: 'Batch' }, 'name', 'must contain {dataset}'],
    [{ name: '{dataset}-{sha}' }, 'name', 'must not contain {sha}'],
    [{ 'if-exists': 'fail' }, 'if-exists', 'Use reuse'],
    [{ dataset: 'acme/x' }, 'dataset-dirs', 'cannot be combined'],
    [{ owner: '' }, 'dataset-dirs', 'Missing owner'],
  ])('refuses %j before any request', async (over, _input, message) => {
    const ws = await checkout(['datasets/a']);
    const r = await run(ws, over);
    expect(r.exitCode).toBe(1);
    expect(r.outputs['error-code']).toBe('invalid-input');
    expect(r.annotations[0]?.message).toContain(message);
    expect(fx.emu.requests).toEqual([]);
  });

  it('a checkout where nothing matches succeeds with a warning naming the globs', async () => {
    const ws = await checkout(['docs/a']);
    const r = await run(ws, { 'dataset-dirs': 'datasets/*\nlidar/*' });
    expect(r.exitCode).toBe(0);
    expect(r.annotations).toEqual([
      expect.objectContaining({ level: 'warning', message: expect.stringContaining('(datasets/*, lidar/*)') }),
    ]);
    expect(r.outputs).toMatchObject({ count: '0', failed: '0', created: 'false', 'missing-datasets': '' });
    expect(fx.emu.requests).toEqual([]);
  });

  it('as a process, on a schedule event without any payload, reads the workspace and nothing else', async () => {
    const ws = await checkout([`datasets/${DATASETS.street}`]);
    const r = await runAction(
      { 'base-url': fx.emu.url, 'api-key': KEYS.pro, ...inputs() },
      {
        env: {
          GITHUB_WORKSPACE: ws,
          GITHUB_EVENT_NAME: 'schedule',
          GITHUB_EVENT_PATH: join(root, 'no-such-event.json'),
        },
      },
    );
    expect(r.exitCode, r.stdout).toBe(0);
    expect(r.outputs['created-uids']).toMatch(/^\S+$/);
    expect(fx.emu.calls('POST')).toHaveLength(1);
  });
});
