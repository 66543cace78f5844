/**
 * dataset-dirs: a push or pull request becomes projects. The discovery in
 * process against the GitHub emulator; the action as a process, since
 * @actions/github reads the event once per process, as the runner gives it.
 */
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type GitHubEmulator, REVOKED_TOKEN, startGitHubEmulator } from '../emulator/github.ts';
import { DATASETS, KEYS, TEMPLATES } from '../emulator/seed.ts';
import { type Emulator, startEmulator } from '../emulator/server.ts';
import { dirsMatching, parseGlobs } from '../src/inputs/globs.ts';
import { changedFiles } from '../src/runner/changes.ts';
import { type ActionRun, logLines, runAction } from './support/run-action.ts';

const TOKEN = 'ghs_emulatedtoken0123456789abcdefABCDEF';
const BEFORE = '1111111111111111111111111111111111111111';
const AFTER = '4f2c9a1b7d3e8f6a5b4c3d2e1f0a9b8c7d6e5f4a';
const HEAD = '3333333333333333333333333333333333333333';
const event = (name: string) => fileURLToPath(new URL(`./fixtures/events/${name}.json`, import.meta.url));

let emu: Emulator;
let github: GitHubEmulator;
beforeAll(async () => {
  emu = await startEmulator({ rateLimit: false });
  github = await startGitHubEmulator();
});
afterAll(async () => {
  await emu.close();
  await github.close();
});
beforeEach(() => {
  emu.reset();
  github.requests.length = 0;
  github.compares.clear();
  github.foreignNext = undefined;
});

const runOn = (
  eventName: string,
  fixture: string,
  inputs: Record<string, string> = {},
  env: Record<string, string> = {},
) =>
  runAction(
    {
      'base-url': emu.url,
      'api-key': KEYS.pro,
      'github-token': TOKEN,
      template: TEMPLATES.image,
      'dataset-dirs': 'datasets/*',
      owner: 'acme',
      ...inputs,
    },
    {
      env: { GITHUB_EVENT_NAME: eventName, GITHUB_EVENT_PATH: event(fixture), GITHUB_API_URL: github.url, ...env },
    },
  );
const results = (r: ActionRun) =>
  JSON.parse(r.outputs.results ?? '[]') as Array<{ input: string; created: boolean; error_code: string | null }>;
const neverLeaked = (r: ActionRun) => {
  expect(r.everything.split('\n').filter((l) => !l.startsWith('::add-mask::') && l.includes(TOKEN))).toEqual([]);
  expect(emu.requests.filter((q) => JSON.stringify(q.headers).includes(TOKEN))).toEqual([]);
  expect(github.requests.filter((q) => JSON.stringify(q.headers).includes(KEYS.pro))).toEqual([]);
};

describe('globs', () => {
  it('* is one segment, ** any number; a directory counts for the files under it', () => {
    const files = ['datasets/a/1.jpg', 'datasets/b/x/2.jpg', 'README.md', 'deep/x/y/d/4.jpg'];
    expect(dirsMatching(files, ['datasets/*'])).toEqual(['datasets/a', 'datasets/b']);
    expect(dirsMatching(files, ['deep/**/d', '**/x'])).toEqual(['datasets/b/x', 'deep/x', 'deep/x/y/d']);
  });

  it.each(['../x', '/datasets/*', 'datasets/../*', './datasets', 'C:/x', 'a\\b', ''])('refuses %j', (glob) => {
    expect(() => parseGlobs('dataset-dirs', glob)).toThrow(/^Invalid dataset-dirs/);
  });
});

describe('the changed files', () => {
  const context = (name: string, payload: Record<string, unknown>) => ({
    event: { name, payload },
    env: { GITHUB_API_URL: github.url, GITHUB_REPOSITORY: 'acme/datasets' },
    token: TOKEN,
    fetch: globalThis.fetch,
    log: () => undefined,
  });

  it('come from the push payload when it lists them: added and modified, not removed', async () => {
    const payload = {
      before: BEFORE,
      after: AFTER,
      commits: [{ added: ['a/1'], modified: ['b/2'], removed: ['c/3'] }],
    };
    expect(await changedFiles(context('push', payload))).toEqual(['a/1', 'b/2']);
    expect(github.requests).toEqual([]);
  });

  it('come from the compare API, page after page, when the payload cannot hold them all', async () => {
    github.compares.set(`${BEFORE}...${AFTER}`, [
      ...Array.from({ length: 230 }, (_, i) => ({ filename: `datasets/big/${i}.jpg`, status: 'added' as const })),
      { filename: 'datasets/gone/x.jpg', status: 'removed' },
    ]);
    const twenty = Array.from({ length: 20 }, () => ({ added: [], modified: [] }));
    const files = await changedFiles(context('push', { before: BEFORE, after: AFTER, commits: twenty }));
    expect(files).toHaveLength(230);
    expect(github.requests.map((q) => q.path)).toEqual([
      `/repos/acme/datasets/compare/${BEFORE}...${AFTER}?per_page=100`,
      `/repos/acme/datasets/compare/${BEFORE}...${AFTER}?per_page=100&page=2`,
      `/repos/acme/datasets/compare/${BEFORE}...${AFTER}?per_page=100&page=3`,
    ]);
    expect(github.requests[0]?.authorization).toBe(`token ${TOKEN}`);
  });

  it('never follow a next link to another origin with the token', async () => {
    github.compares.set(
      `${BEFORE}...${HEAD}`,
      Array.from({ length: 150 }, (_, i) => ({ filename: `d/${i}`, status: 'added' as const })),
    );
    github.foreignNext = emu.origin;
    const pr = { pull_request: { base: { sha: BEFORE }, head: { sha: HEAD } } };
    await expect(changedFiles(context('pull_request', pr))).rejects.toThrow(
      `refused to send the GitHub token to ${emu.origin}, which is not GITHUB_API_URL's origin`,
    );
    expect(emu.requests).toEqual([]);
  });
});

describe('a push becomes projects', () => {
  it('one project per changed dataset directory, in the field its type takes; removed-only ones skipped', async () => {
    const r = await runOn('push', 'push');
    expect(r.exitCode, r.stdout).toBe(0);
    expect(results(r).map((e) => [e.input, e.created])).toEqual([
      [`datasets/${DATASETS.lidar}`, true],
      [`datasets/${DATASETS.street}`, true],
    ]);
    expect(emu.calls('POST').map((q) => JSON.parse(q.body))).toMatchObject([
      { name: `datasets-${DATASETS.lidar}`, lidar_dataset_uid: expect.any(String) },
      { name: `datasets-${DATASETS.street}`, image_dataset_uid: '880b0700-b51e-74g7-d049-779988770000' },
    ]);
    expect(github.requests).toEqual([]);
    expect(logLines(r)).toContain(
      `Changed dataset directories: datasets/${DATASETS.lidar}, datasets/${DATASETS.street}`,
    );
    neverLeaked(r);

    // A re-run, or a later push to the same directories, finds the projects by name instead of cloning again.
    const again = await runOn('push', 'push');
    expect(results(again).map((e) => e.created)).toEqual([false, false]);
    expect(emu.calls('POST')).toHaveLength(2);
  });

  it('reads the compare API when the payload lacks the file lists, with the token, and never gives it to Avala', async () => {
    github.compares.set(`${BEFORE}...${AFTER}`, [
      { filename: `datasets/${DATASETS.street2}/a.jpg`, status: 'added' },
      { filename: `datasets/${DATASETS.scan}/s.splat`, status: 'modified' },
    ]);
    const r = await runOn('push', 'push-without-file-lists', {}, { RUNNER_DEBUG: '1' });
    expect(r.exitCode).toBe(1);
    expect(results(r).map((e) => [e.input, e.error_code])).toEqual([
      [`datasets/${DATASETS.scan}`, 'unsupported-dataset'],
      [`datasets/${DATASETS.street2}`, null],
    ]);
    expect(r.outputs['error-code']).toBe('unsupported-dataset');
    expect(github.requests).toHaveLength(1);
    neverLeaked(r);
  });

  it('on a pull request with dry-run, plans what the merge would create and what exists already', async () => {
    github.compares.set(`${BEFORE}...${HEAD}`, [
      { filename: `datasets/${DATASETS.street}/a.jpg`, status: 'added' },
      { filename: `datasets/${DATASETS.street2}/b.jpg`, status: 'added' },
    ]);
    emu.addProjects('acme', 0);
    await runOn('push', 'push'); // makes datasets-street-2026-w47 (and the LiDAR one)
    emu.requests.length = 0;
    const plan = await runOn('pull_request', 'pull_request', { 'dry-run': 'true' });
    expect(plan.exitCode, plan.stdout).toBe(0);
    expect(emu.calls('POST')).toEqual([]);
    expect(plan.summary).toMatch(
      /datasets\/street-2026-w47<\/td><td>datasets-street-2026-w47<\/td><td>[0-9a-f-]{36}<\/td><td>pending-approval<\/td><td>exists/,
    );
    expect(plan.summary).toContain('Dry run: would clone template');
  });

  it('plans a project for a dataset the pull request adds before it is uploaded', async () => {
    github.compares.set(`${BEFORE}...${HEAD}`, [{ filename: 'datasets/street-2026-w49/a.jpg', status: 'added' }]);
    const plan = await runOn('pull_request', 'pull_request', { 'dry-run': 'true' });
    expect(plan.exitCode, plan.stdout).toBe(0);
    expect(logLines(plan)).toContain(
      'Dataset acme/street-2026-w49 is not in Avala yet: the plan assumes it is uploaded before the clone.',
    );
    expect(plan.summary).toMatch(
      /datasets\/street-2026-w49<\/td><td><\/td><td><\/td><td><\/td><td>Dry run: would clone template/,
    );
    expect(emu.calls('POST')).toEqual([]);
  });

  it('a token that GitHub refuses fails with its status and what the token needs', async () => {
    github.compares.set(`${BEFORE}...${HEAD}`, [{ filename: 'datasets/x/a.jpg', status: 'added' }]);
    const r = await runOn('pull_request', 'pull_request', { 'github-token': REVOKED_TOKEN });
    expect(r.exitCode).toBe(1);
    expect(r.outputs['error-code']).toBe('http-401');
    expect(r.annotations[0]?.message).toMatch(
      /^Could not read the changed files from GitHub's compare API \(1111111\.\.\.3333333\): Bad credentials.*: github-token must be able to read the repository \(the job needs permissions: contents: read\)\.$/,
    );
    expect(emu.requests).toEqual([]);
    const missing = await runOn('pull_request', 'pull_request', { 'github-token': '' });
    expect(missing.outputs['error-code']).toBe('invalid-input');
    expect(missing.annotations[0]?.message).toMatch(
      /^Missing github-token: dataset-dirs reads this event's changed files/,
    );
  });

  it('a push that changed no dataset directory succeeds with a notice and no request to Avala', async () => {
    const r = await runOn('push', 'push', { 'dataset-dirs': 'annotations/*' });
    expect(r.exitCode).toBe(0);
    expect(r.outputs).toMatchObject({ count: '0', failed: '0', uids: '', results: '[]' });
    expect(r.annotations).toContainEqual(
      expect.objectContaining({ level: 'notice', title: 'Avala: no dataset changed' }),
    );
    expect(emu.requests).toEqual([]);
  });

  it.each([
    ['workflow_dispatch', {}, 'Invalid dataset-dirs: the workflow_dispatch event does not say which files changed.'],
    ['push', { owner: '' }, 'Missing owner: dataset-dirs needs the owner'],
    ['push', { dataset: 'acme/x' }, 'Invalid dataset-dirs: it cannot be combined with dataset'],
    ['push', { 'dataset-dirs': '../elsewhere/*' }, 'Invalid dataset-dirs "../elsewhere/*"'],
  ])('on %s with %j: invalid-input before any request', async (name, inputs, message) => {
    const r = await runOn(name, 'push', inputs);
    expect(r.exitCode).toBe(1);
    expect(r.outputs['error-code']).toBe('invalid-input');
    expect(r.annotations[0]?.message).toContain(message);
    expect(emu.requests).toEqual([]);
  });
});
