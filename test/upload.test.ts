/**
 * The action uploads what Avala lacks (rules 36–38): planned with files and
 * bytes, uploaded through the emulator's presigned targets, created, waited
 * for and cloned onto in one run; faults, quota, the owner check and secrets.
 */
import type { ChildProcess } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KEYS, TEMPLATES } from '../emulator/seed.ts';
import { useEmulator } from './support/fixtures.ts';
import { type ActionRun, logLines, RUNNER_TOKEN, runAction } from './support/run-action.ts';

const fx = useEmulator({ uploads: { readiness: { reads: 1 } }, bystander: true });
let root = '';
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'avala-upload-'));
});
afterAll(() => rm(root, { recursive: true, force: true }));

let n = 0;
/** A checkout: each path with its content, directories made as needed. */
async function checkout(files: Record<string, string>): Promise<string> {
  const ws = join(root, `ws${++n}`);
  for (const [path, content] of Object.entries(files)) {
    await mkdir(join(ws, path, '..'), { recursive: true });
    await writeFile(join(ws, path), content);
  }
  return ws;
}
const TWO = {
  'datasets/new-a/0001.jpg': 'jpeg a1',
  'datasets/new-a/left/0002.jpg': 'jpeg a2',
  'datasets/new-a/.DS_Store': 'x',
  'datasets/new-b/0001.png': 'png b1',
};
type Entry = { input: string; planned: string | null; error_code: string | null; error: string | null };
const results = (r: ActionRun) => JSON.parse(r.outputs.results ?? '[]') as Entry[];
const inputs = (over: Record<string, string> = {}) => ({
  template: TEMPLATES.image,
  'dataset-dirs': 'datasets/*',
  owner: 'acme',
  upload: 'true',
  'data-type': 'image',
  approve: 'true',
  ...over,
});
const run = (ws: string, over: Record<string, string> = {}, env: Record<string, string> = {}) =>
  fx.run(inputs(over), { GITHUB_WORKSPACE: ws, ...env });
const presigns = () => fx.emu.calls('POST', '/datasets/manual-upload/file-upload-url/');
const creates = () => fx.emu.calls('POST', /\/datasets\/manual-upload\/$/);
const byPath = <T extends { path: string }>(files: T[]) => [...files].sort((a, b) => (a.path < b.path ? -1 : 1));
const dataset = (slug: string) =>
  [...fx.emu.datasets.byUid.values()].find((d) => d.owner_name === 'acme' && d.slug === slug);

describe('a plan', () => {
  it('shows each directory to upload with its files and bytes, and sends no request that changes anything', async () => {
    const ws = await checkout(TWO);
    const r = await run(ws, { mode: 'plan' });
    expect(r.exitCode, r.stdout).toBe(0);
    expect(logLines(r)).toContain(
      'Upload "datasets/new-a" (2 files, 14 B; 1 skipped: hidden or symbolic links), then create and approve "datasets-new-a" from template "770a9600-a40d-63f6-c938-668877660000"',
    );
    expect(r.stdout).toContain(
      'Would upload 2 datasets (3 files, 20 B), start 2 billable projects (2 create and approve) and stop 0.',
    );
    expect(results(r).map((e) => e.planned)).toEqual(['upload', 'upload']);
    expect(r.outputs['missing-datasets']).toBe('datasets/new-a\ndatasets/new-b');
    expect(fx.emu.requests.filter((q) => q.method !== 'GET')).toEqual([]);
    expect(fx.emu.storageRequests).toEqual([]);
  });

  it('counts an upload as a billable start: over max-new-projects nothing is uploaded', async () => {
    const ws = await checkout(TWO);
    const r = await run(ws, { 'max-new-projects': '1', mode: 'apply' });
    expect(r.outputs['error-code']).toBe('too-many-projects');
    expect(r.stdout).toContain('This run would make 2 billable starts (2 to create and approve)');
    expect(presigns()).toEqual([]);
  });
});

describe('an apply', () => {
  it('uploads, creates the dataset, waits for it and clones onto it in one run; a re-run uploads nothing', async () => {
    const ws = await checkout(TWO);
    const r = await run(ws, { mode: 'apply' });
    expect(r.exitCode, r.stdout).toBe(0);
    expect(r.outputs['uploaded-datasets']).toBe('datasets/new-a\ndatasets/new-b');
    expect(r.outputs['missing-datasets']).toBe('');
    const a = dataset('new-a');
    expect(a).toMatchObject({ name: 'new-a', data_type: 'image', visibility: 'private', status: 'created' });
    // In path order: files go several at once, so the order they are staged in is not the test's to know.
    expect(
      byPath(fx.emu.uploads.filesOf(a?.uid ?? '')).map((f) => [f.path, f.size, f.filename, f.contentType]),
    ).toEqual([
      ['0001.jpg', 7, '0001.jpg', 'image/jpeg'],
      ['left/0002.jpg', 7, '0002.jpg', 'image/jpeg'],
    ]);
    const projects = JSON.parse(r.outputs.projects ?? '[]') as Array<{ name: string; status: string }>;
    expect(projects.map((p) => [p.name, p.status])).toEqual([
      ['datasets-new-a', 'active'],
      ['datasets-new-b', 'active'],
    ]);
    const clone = fx.emu.calls('POST', '/create-from-existing/')[0];
    expect(JSON.parse(clone?.body ?? '{}')).toMatchObject({ image_dataset_uid: a?.uid });
    expect(r.stdout).toContain('Uploaded 2 datasets (3 files, 20 B); started 2 billable projects');
    // One line as each directory starts and one as it ends; none per file, and no presign line but in debug.
    const lines = logLines(r);
    expect(lines.filter((l) => l.startsWith('Uploading datasets/new-a: 2 files, 14 B'))).toHaveLength(1);
    expect(lines.filter((l) => l.startsWith('Uploaded datasets/new-a in '))).toHaveLength(1);
    expect(lines.filter((l) => l.includes('0002.jpg') || l.includes('file-upload-url'))).toEqual([]);
    fx.emu.requests.length = 0;
    const again = await run(ws, { mode: 'apply' });
    expect(again.exitCode).toBe(0);
    expect(again.outputs['uploaded-datasets']).toBe('');
    expect(fx.emu.requests.filter((q) => q.method !== 'GET')).toEqual([]);
  });

  it('sends no key or token to a target, and every file to the emulator origin only', async () => {
    const ws = await checkout(TWO);
    const r = await run(ws, { mode: 'apply' });
    expect(r.exitCode).toBe(0);
    expect(fx.emu.storageRequests).toHaveLength(3);
    for (const request of fx.emu.storageRequests) {
      const headers = JSON.stringify(request.headers);
      expect(headers).not.toContain(KEYS.pro);
      expect(headers).not.toContain(RUNNER_TOKEN);
      expect(request.headers.authorization).toBeUndefined();
      expect(request.headers['content-length']).toBe(String(request.bytes));
    }
  });

  it('skips hidden files and symbolic links, and fails a directory with nothing else, before sending any of it', async () => {
    const ws = await checkout({ 'datasets/ok/a.jpg': 'a', 'datasets/hollow/.keep': '' });
    await symlink(join(ws, 'datasets/ok/a.jpg'), join(ws, 'datasets/hollow/link.jpg'));
    const r = await run(ws, { mode: 'apply' });
    expect(r.exitCode).toBe(1);
    expect(results(r).map((e) => [e.input, e.error_code])).toEqual([
      ['datasets/hollow', 'upload-failed'],
      ['datasets/ok', null],
    ]);
    expect(results(r)[0]?.error).toBe(
      'datasets/hollow holds no file to upload (2 hidden or not regular, skipped): nothing of it is uploaded.',
    );
    expect(fx.emu.uploads.staged('acme', 'hollow')).toEqual([]);
    expect(r.outputs['uploaded-datasets']).toBe('datasets/ok');
    // Still without a dataset after the run, whatever kept it from one.
    expect(r.outputs['missing-datasets']).toBe('datasets/hollow');
  });

  it('refuses an owner that shows the key no project: nothing is uploaded, every item fails alike', async () => {
    const ws = await checkout(TWO);
    const r = await run(ws, { owner: 'acme-typo', mode: 'apply' });
    expect(r.exitCode).toBe(1);
    expect(r.outputs['error-code']).toBe('owner-not-found');
    expect(results(r).map((e) => e.error_code)).toEqual(['owner-not-found', 'owner-not-found']);
    expect(results(r)[0]?.error).toContain("Avala answered 404 for acme-typo's projects");
    expect(presigns()).toEqual([]);
    const plan = await run(ws, { owner: 'acme-typo', mode: 'plan' });
    expect(results(plan).map((e) => [e.planned, e.error_code])).toEqual([
      ['failed', 'owner-not-found'],
      ['failed', 'owner-not-found'],
    ]);
    expect([r.outputs['missing-datasets'], plan.outputs['missing-datasets']]).toEqual([
      'datasets/new-a\ndatasets/new-b',
      'datasets/new-a\ndatasets/new-b',
    ]);
  });
});

describe('faults', () => {
  it("retries a target's 503, 500 and reset with a fresh target each time", async () => {
    const ws = await checkout({ 'datasets/one/a.jpg': 'a'.repeat(4096) });
    fx.emu.inject({ path: '/__storage/', fault: { kind: 'status', status: 503, retryAfter: '0' } });
    fx.emu.inject({ path: '/__storage/', fault: { kind: 'status', status: 500 } });
    fx.emu.inject({ path: '/__storage/', fault: { kind: 'reset', afterBytes: 100 } });
    const r = await run(ws, { mode: 'apply' });
    expect(r.exitCode, r.stdout).toBe(0);
    expect(presigns()).toHaveLength(4);
    expect(new Set(fx.emu.storageRequests.map((q) => q.path)).size).toBe(4);
    expect(logLines(r).filter((l) => l.includes('trying again with a fresh target'))).toHaveLength(3);
  });

  it('fails a stalled target after timeout seconds without progress, then retries it', async () => {
    const ws = await checkout({ 'datasets/one/a.bin': 'b'.repeat(2 * 1024 * 1024) });
    fx.emu.inject({ path: '/__storage/', fault: { kind: 'stall', afterBytes: 64 * 1024 } });
    const r = await run(ws, { mode: 'apply', timeout: '1' });
    expect(r.exitCode, r.stdout).toBe(0);
    expect(r.stdout).toContain('datasets/one/a.bin: no byte moved for 1 s (timeout); trying again with a fresh target');
  });

  it("fails the directory on a target's 403 or redirect, makes no dataset for it, and goes on with the others", async () => {
    const ws = await checkout(TWO);
    fx.emu.inject({ path: '/__storage/', fault: { kind: 'redirect', location: 'https://elsewhere.example/x' } });
    const r = await run(ws, { mode: 'apply' });
    expect(r.exitCode).toBe(1);
    expect(results(r).map((e) => e.error_code)).toEqual(['upload-failed', null]);
    expect(results(r)[0]?.error).toMatch(
      /^datasets\/new-a\/0001\.jpg: the storage target answered 30\d: a redirect, not followed; no dataset was created\.$/,
    );
    expect(dataset('new-a')).toBeUndefined();
    expect(creates().map((q) => JSON.parse(q.body ?? '{}').slug)).toEqual(['new-b']);
    expect(r.outputs['missing-datasets']).toBe('datasets/new-a');
  });

  it('sends nothing to a target on a foreign host, or not https', async () => {
    const ws = await checkout({ 'datasets/one/a.jpg': 'a' });
    fx.emu.inject({
      path: 'file-upload-url',
      fault: { kind: 'patch', project: { url: `${fx.bystander.url.replace('127.0.0.1', 'localhost')}/steal` } },
    });
    const r = await run(ws, { mode: 'apply' });
    expect(results(r)[0]?.error_code).toBe('upload-failed');
    expect(results(r)[0]?.error).toContain('target refused: its host');
    expect(fx.emu.storageRequests).toEqual([]);
  });

  it("fails the directory on Avala's refusal of a target, naming the file, and goes on with the others", async () => {
    const ws = await checkout({ 'datasets/deep/a/b.jpg': 'a', 'datasets/fine/b.jpg': 'b' });
    const body = { file_path_in_dataset: ['Enter a path relative to the dataset.'] };
    fx.emu.inject({ path: 'file-upload-url', fault: { kind: 'status', status: 400, body } });
    const r = await run(ws, { mode: 'apply' });
    expect(results(r).map((e) => [e.input, e.error_code])).toEqual([
      ['datasets/deep', 'http-400'],
      ['datasets/fine', null],
    ]);
    expect(results(r)[0]?.error).toContain('file_path_in_dataset: Enter a path relative to the dataset.');
    expect(results(r)[0]?.error).toContain('No target for datasets/deep/a/b.jpg, so no dataset was created');
    expect(dataset('deep')).toBeUndefined();
  });

  it('refuses in the plan a path Avala would refuse, naming it, before anything of its directory is sent', async () => {
    const deep = Array.from({ length: 4 }, (_, i) => `${i}${'d'.repeat(240)}`).join('/');
    const ws = await checkout({
      [`datasets/deep/${deep}/a.jpg`]: 'a',
      'datasets/slash/left\\0001.jpg': 'b',
      'datasets/line/a\nb.jpg': 'c',
      'datasets/fine/b.jpg': 'd',
    });
    const r = await run(ws, { mode: 'plan' });
    expect(results(r).map((e) => [e.input, e.planned, e.error_code])).toEqual([
      ['datasets/deep', 'failed', 'upload-failed'],
      ['datasets/fine', 'upload', null],
      ['datasets/line', 'failed', 'upload-failed'],
      ['datasets/slash', 'failed', 'upload-failed'],
    ]);
    const errors = results(r).map((e) => e.error ?? '');
    expect(errors[0]).toContain('is a path Avala refuses: it is over 900 bytes');
    expect(errors[2]).toBe(
      'datasets/line: "a\\nb.jpg" is a path Avala refuses: it holds a control character: nothing of it is uploaded.',
    );
    expect(errors[3]).toBe(
      'datasets/slash: "left\\\\0001.jpg" is a path Avala refuses: it holds a backslash: nothing of it is uploaded.',
    );
  });

  it('skips a hidden file whatever its name, even one that is not UTF-8', async () => {
    const ws = await checkout({ 'datasets/mac/a.jpg': 'a' });
    await writeFile(Buffer.concat([Buffer.from(join(ws, 'datasets/mac/._')), Buffer.from([0xff])]), 'x');
    const r = await run(ws, { mode: 'plan' });
    expect(results(r)[0]?.planned).toBe('upload');
    expect(r.stdout).toContain('Upload "datasets/mac" (1 file, 1 B; 1 skipped: hidden or symbolic links)');
  });

  it("ends a sibling file's retry wait when the directory fails, and asks for no target after", async () => {
    const ws = await checkout({ 'datasets/two/a.jpg': 'a', 'datasets/two/b.jpg': 'b' });
    // The first file's target asks for 20 s; the second's refuses: the directory fails at once.
    fx.emu.inject({ path: '/__storage/', fault: { kind: 'status', status: 503, retryAfter: '20' } });
    fx.emu.inject({ path: '/__storage/', fault: { kind: 'status', status: 403 } });
    const started = performance.now();
    const r = await run(ws, { mode: 'apply' });
    expect(results(r)[0]?.error_code).toBe('upload-failed');
    expect(performance.now() - started).toBeLessThan(10_000);
    expect(presigns()).toHaveLength(2);
  });

  it('counts presigns that time out together as one round of the timeout budget, and retries each', async () => {
    const files: Record<string, string> = {};
    for (let i = 0; i < 8; i++) files[`datasets/hiccup/${i}.jpg`] = 'h';
    const ws = await checkout(files);
    // Four of the eight presigns in flight at once hang, once: a hiccup, not a hung server.
    fx.emu.inject({ path: 'file-upload-url', times: 4, fault: { kind: 'hang' } });
    const r = await run(ws, { mode: 'apply', timeout: '1', retries: '3' });
    expect(r.exitCode, r.stdout).toBe(0);
    expect(presigns()).toHaveLength(12);
    expect(r.outputs['uploaded-datasets']).toBe('datasets/hiccup');
  });

  it('stops every upload at a 413: the directories not tried fail with upload-quota too', async () => {
    const ws = await checkout({ 'datasets/a/x.jpg': 'x'.repeat(600), 'datasets/b/x.jpg': 'y'.repeat(600) });
    fx.emu.uploads.quotaBytes = 100;
    const r = await run(ws, { mode: 'apply' });
    expect(results(r).map((e) => e.error_code)).toEqual(['upload-quota', 'upload-quota']);
    expect(results(r)[1]?.error).toContain('datasets/b: not tried: the storage quota was reached uploading datasets/a');
    expect(presigns()).toHaveLength(1);
  });

  it('takes a create whose answer was lost as done once a read finds the dataset, and never creates twice', async () => {
    const ws = await checkout({ 'datasets/one/a.jpg': 'a' });
    fx.emu.inject({ method: 'POST', path: /manual-upload\/$/, fault: { kind: 'act-then-status', status: 502 } });
    const r = await run(ws, { mode: 'apply' });
    expect(r.exitCode, r.stdout).toBe(0);
    expect(creates()).toHaveLength(1);
    expect(r.outputs['uploaded-datasets']).toBe('datasets/one');
  });
});

describe('Git LFS (rule 37)', () => {
  const BIN = join(import.meta.dirname, 'fixtures/bin');
  const oid = 'c'.repeat(64);
  const pointer = `version https://git-lfs.github.com/spec/v1\noid sha256:${oid}\nsize 5000000\n`;
  const lfsRun = async (env: Record<string, string> = {}, gitFiles: Record<string, string> = {}) => {
    const ws = await checkout({
      '.git/HEAD': 'ref: refs/heads/main\n',
      ...gitFiles,
      'datasets/lfs/big.bin': pointer,
      'datasets/lfs/a.jpg': 'a',
      'datasets/plain/b.jpg': 'b',
    });
    const log = join(ws, '..', `git-${n}.log`);
    const path = `${BIN}:${process.env.PATH}`;
    // As a process: git runs with the environment the runner gives the step.
    const r = await fx.runProcess(inputs({ mode: 'apply' }), {
      GITHUB_WORKSPACE: ws,
      PATH: path,
      GIT_STUB_LOG: log,
      GITHUB_SERVER_URL: 'https://github.com',
      ...env,
    });
    const calls = await readFile(log, 'utf8').then(
      (text) =>
        text
          .split('\n')
          .filter(Boolean)
          .map((line) => JSON.parse(line) as { argv: string[]; config: Record<string, string> }),
      () => [],
    );
    return { r, calls };
  };

  it('plans a pointer by the size it stands for', async () => {
    const ws = await checkout({ 'datasets/lfs/big.bin': pointer, 'datasets/lfs/a.jpg': 'a' });
    const r = await run(ws, { mode: 'plan' });
    expect(r.stdout).toContain('Upload "datasets/lfs" (2 files, 5.0 MB; 1 Git LFS file, fetched first)');
  });

  it("fetches the directory's files only, the token in git's environment for the server alone, then uploads them", async () => {
    const { r, calls } = await lfsRun();
    expect(r.exitCode, r.stdout).toBe(0);
    expect(calls.map((c) => c.argv)).toEqual([['lfs', 'pull', '--include=datasets/lfs']]);
    const basic = Buffer.from(`x-access-token:${RUNNER_TOKEN}`).toString('base64');
    expect(calls[0]?.config).toEqual({
      'lfs.activitytimeout': '30',
      'http.https://github.com/.extraheader': `AUTHORIZATION: basic ${basic}`,
    });
    const files = byPath(fx.emu.uploads.filesOf(dataset('lfs')?.uid ?? ''));
    expect(files.map((f) => [f.path, f.size])).toEqual([
      ['a.jpg', 1],
      ['big.bin', `lfs content ${oid}\n`.length],
    ]);
    const written = r.everything
      .split('\n')
      .filter((line) => !line.startsWith('::add-mask::'))
      .join('\n');
    expect(written).not.toContain(RUNNER_TOKEN);
    expect(written).not.toContain(basic);
  });

  it('adds no second Authorization where actions/checkout kept its credentials (persist-credentials: true)', async () => {
    const kept =
      '[core]\n\tbare = false\n[http "https://github.com/"]\n\textraheader = AUTHORIZATION: basic a2VwdA==\n';
    const { r, calls } = await lfsRun({}, { '.git/config': kept });
    expect(r.exitCode, r.stdout).toBe(0);
    expect(calls).toEqual([
      { argv: ['lfs', 'pull', '--include=datasets/lfs'], config: { 'lfs.activitytimeout': '30' } },
    ]);
    expect(dataset('lfs')).toBeDefined();
  });

  it('adds its own Authorization where the checkout kept only another header', async () => {
    const other = '[http "https://github.com/"]\n\textraheader = X-Request-Source: ci\n';
    const { calls } = await lfsRun({}, { '.git/config': other });
    expect(Object.keys(calls[0]?.config ?? {})).toEqual([
      'lfs.activitytimeout',
      'http.https://github.com/.extraheader',
    ]);
  });

  it("quotes git's failure without the token, in any form, when git echoes its headers", async () => {
    const { r } = await lfsRun({ GIT_STUB_LFS: 'trace-and-fail' });
    const basic = Buffer.from(`x-access-token:${RUNNER_TOKEN}`).toString('base64');
    expect(results(r)[0]?.error).toMatch(/git lfs pull exited 2: .*batch response: Repository or object not found/);
    expect(r.everything).not.toContain(basic);
    expect(
      r.everything
        .split('\n')
        .filter((l) => !l.startsWith('::add-mask::'))
        .join('\n'),
    ).not.toContain(RUNNER_TOKEN);
  });

  it('fails the directory, naming the file, when a pointer is left; uploads nothing of it', async () => {
    const { r, calls } = await lfsRun({ GIT_STUB_LFS: 'noop' });
    expect(calls).toHaveLength(1);
    expect(results(r).map((e) => [e.input, e.error_code])).toEqual([
      ['datasets/lfs', 'upload-failed'],
      ['datasets/plain', null],
    ]);
    expect(results(r)[0]?.error).toContain('datasets/lfs/big.bin is still a Git LFS pointer after git lfs pull');
    expect(fx.emu.uploads.staged('acme', 'lfs')).toEqual([]);
  });

  it('fails the directory when git cannot fetch, naming the pointer and what git said', async () => {
    const { r } = await lfsRun({ PATH: '/nonexistent' });
    expect(results(r)[0]?.error_code).toBe('upload-failed');
    expect(results(r)[0]?.error).toContain(
      'datasets/lfs/big.bin: a Git LFS pointer, and 1 Git LFS file could not be fetched: git is not installed on this runner. Nothing of datasets/lfs was uploaded.',
    );
  });
});

describe('inputs', () => {
  it.each([
    [{ 'data-type': '' }, 'data-type', 'Missing data-type: upload: true needs it'],
    [
      { 'data-type': 'pointcloud' },
      'data-type',
      'Invalid data-type "pointcloud". Expected one of: image, video, lidar.',
    ],
    [{ upload: 'yes' }, 'upload', 'upload'],
    [{ 'dataset-dirs': '', dataset: 'acme/x' }, 'upload', 'Invalid upload: it needs dataset-dirs'],
  ])('%o is refused before any request', async (over, _input, message) => {
    const ws = await checkout(TWO);
    const r = await run(ws, over);
    expect(r.outputs['error-code']).toBe('invalid-input');
    expect(r.stdout).toContain(message);
    expect(fx.emu.requests).toEqual([]);
  });
});

describe('a canceled upload', () => {
  it('says which directory was being uploaded, and that no dataset was created for it', async () => {
    const ws = await checkout({ 'datasets/slow/a.bin': 'z'.repeat(1024 * 1024) });
    fx.emu.inject({ path: '/__storage/', fault: { kind: 'stall', afterBytes: 1024 } });
    const signal = (child: ChildProcess) => {
      const poll = setInterval(() => {
        if (fx.emu.storageRequests.length > 0) {
          clearInterval(poll);
          child.kill('SIGTERM');
        }
      }, 20);
    };
    const r = await runAction(
      { 'base-url': fx.emu.url, 'api-key': KEYS.pro, ...inputs({ mode: 'apply' }) },
      { env: { GITHUB_WORKSPACE: ws }, onSpawn: signal },
    );
    expect(r.exitCode).toBe(1);
    expect(r.outputs['error-code']).toBe('canceled');
    expect(r.annotations.find((a) => a.level === 'error')?.message).toMatch(
      /^Canceled by SIGTERM during the upload of datasets\/slow \(0 of 1 file and .* of 1\.0 MB sent.*; sending a\.bin\)\. No dataset was created for it; a re-run uploads the directory again\.$/,
    );
    expect(creates()).toEqual([]);
  });
});

describe('with a config file', () => {
  it('uploads each kind as its data-type, upload-workers files at once', async () => {
    const files: Record<string, string> = { 'datasets/lidar/lot-9/calibration.json': '{}' };
    for (let i = 0; i < 12; i++) files[`datasets/images/day-9/${String(i).padStart(4, '0')}.jpg`] = 'j'.repeat(200_000);
    const config = [
      'owner: acme',
      'upload: true',
      'upload-workers: 3',
      'kinds:',
      '  - { dirs: [datasets/images/*], data-type: image, template: 770a9600-a40d-63f6-c938-668877660000 }',
      '  - { dirs: [datasets/lidar/*], data-type: lidar, template: 770a9600-a40d-63f6-c938-668877660002 }',
    ].join('\n');
    const ws = await checkout({ ...files, '.github/avala-projects.yml': `${config}\n` });
    // Each file waits 100 ms at the target, so that the files of one directory overlap as much as they may.
    fx.emu.inject({ path: '/__storage/', times: 12, fault: { kind: 'delay', ms: 100 } });
    const r = await fx.run({ config: '.github/avala-projects.yml', mode: 'apply' }, { GITHUB_WORKSPACE: ws });
    expect(r.exitCode, r.stdout).toBe(0);
    expect(r.stdout).toContain(
      'Uploading datasets/images/day-9: 12 files, 2.4 MB, as dataset acme/day-9 (image), 3 at a time.',
    );
    expect(fx.emu.storagePeak).toBe(3);
    expect([dataset('day-9')?.data_type, dataset('lot-9')?.data_type]).toEqual(['image', 'lidar']);
    expect(r.outputs['uploaded-datasets']).toBe('datasets/images/day-9\ndatasets/lidar/lot-9');
  });

  it('refuses upload and data-type inputs beside it', async () => {
    const ws = await checkout({ '.github/avala-projects.yml': 'owner: acme\nkinds: []\n' });
    const r = await fx.run({ config: '.github/avala-projects.yml', upload: 'true' }, { GITHUB_WORKSPACE: ws });
    expect(r.outputs['error-code']).toBe('invalid-input');
    expect(r.stdout).toContain('Invalid upload: with config, .github/avala-projects.yml says it');
  });
});

describe('a dataset uploaded and not ready in time', () => {
  it('fails its item with dataset-not-ready, is still listed as uploaded, and the next run clones onto it', async () => {
    const ws = await checkout({ 'datasets/slow/a.jpg': 'a' });
    fx.emu.uploads.readiness = { reads: 3 };
    const r = await run(ws, { mode: 'apply', 'wait-for-dataset': '1' });
    expect(results(r)[0]?.error_code).toBe('dataset-not-ready');
    expect(r.outputs['uploaded-datasets']).toBe('datasets/slow');
    expect(r.outputs['missing-datasets']).toBe('');
    const next = await run(ws, { mode: 'apply', 'wait-for-dataset': '5' });
    expect(next.exitCode, next.stdout).toBe(0);
    expect(next.outputs.created).toBe('true');
    expect(presigns()).toHaveLength(1);
  });
});

describe('against an API that enforces its rate limit', () => {
  // A window smaller than the files sent at once (8): each new window lets out its limit, not every waiter.
  const limited = useEmulator({ rateLimit: { limit: 5, windowMs: 1000 }, uploads: { readiness: { reads: 1 } } });

  it("paces an upload's concurrent presigns by what the window has left: no 429", async () => {
    const files: Record<string, string> = {};
    for (let i = 0; i < 14; i++) files[`datasets/paced/${String(i).padStart(4, '0')}.jpg`] = 'p';
    const ws = await checkout(files);
    const r = await limited.run(inputs({ mode: 'apply' }), { GITHUB_WORKSPACE: ws });
    expect(r.exitCode, r.stdout).toBe(0);
    expect(limited.emu.calls('POST', '/file-upload-url/')).toHaveLength(14);
    expect(logLines(r).filter((line) => line.startsWith('Rate limit reached')).length).toBeLessThan(8);
    expect(limited.emu.calls().filter((q) => q.status === 429)).toEqual([]);
  });
});
