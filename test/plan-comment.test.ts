/**
 * The plan where reviewers look (rule 31): the action run with pr-comment on a
 * pull_request event, against the Avala and the GitHub emulators at once.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  FORK_TOKEN,
  type GitHubEmulator,
  REPOSITORY,
  startGitHubEmulator,
  WORKFLOW_TOKEN,
} from '../emulator/github.ts';
import { DATASETS, KEYS, TEMPLATES } from '../emulator/seed.ts';
import { useEmulator } from './support/fixtures.ts';
import { type ActionRun, logLines, runAction } from './support/run-action.ts';

const PR = 12;
const HEAD = 'c0ffee0123456789abcdef0123456789abcdef01';
const fx = useEmulator();
let github: GitHubEmulator;
let dir: string;
let ws: string;
const events: Record<string, string> = {};

beforeAll(async () => {
  github = await startGitHubEmulator();
  dir = await mkdtemp(join(tmpdir(), 'avala-plan-comment-'));
  ws = join(dir, 'ws');
  for (const d of [DATASETS.street, DATASETS.street2, 'not-yet']) {
    await mkdir(join(ws, 'datasets', d), { recursive: true });
    await writeFile(join(ws, 'datasets', d, 'a.jpg'), 'x');
  }
  for (const [name, headRepo] of [
    ['same', REPOSITORY],
    ['fork', 'contributor/datasets'],
  ] as const) {
    const repo = (full_name: string) => ({ full_name });
    const payload = {
      pull_request: { number: PR, head: { sha: HEAD, repo: repo(headRepo) }, base: { repo: repo(REPOSITORY) } },
    };
    events[name] = join(dir, `${name}.json`);
    await writeFile(events[name] as string, JSON.stringify(payload));
  }
});
afterAll(async () => {
  await github.close();
  await rm(dir, { recursive: true, force: true });
});
beforeEach(() => github.reset());

function plan(over: Record<string, string> = {}, env: Record<string, string> = {}): Promise<ActionRun> {
  return fx.run(
    {
      template: TEMPLATES.image,
      'dataset-dirs': 'datasets/*',
      owner: 'acme',
      'dry-run': 'true',
      approve: 'true',
      'pr-comment': 'true',
      'github-token': WORKFLOW_TOKEN,
      ...over,
    },
    {
      GITHUB_WORKSPACE: ws,
      GITHUB_EVENT_NAME: 'pull_request',
      GITHUB_EVENT_PATH: events.same as string,
      GITHUB_API_URL: github.url,
      GITHUB_WORKFLOW: 'Annotate',
      GITHUB_JOB: 'plan',
      GITHUB_ACTION: 'plan-images',
      ...env,
    },
  );
}

describe('pr-comment on a pull request', () => {
  it('posts the plan as one comment, edited by the next run, in at most two GitHub requests each', async () => {
    const first = await plan();
    expect(first.exitCode, first.stdout).toBe(0);
    expect(github.requests.map((q) => q.method)).toEqual(['GET', 'POST']);
    const [comment] = github.comments(PR);
    expect(comment?.body).toContain('would create');
    expect(comment?.body).toContain('not uploaded yet');
    expect(comment?.body).toContain(HEAD.slice(0, 7));
    expect(first.outputs['missing-datasets']).toBe('datasets/not-yet');

    github.requests.length = 0;
    const again = await plan();
    expect(again.exitCode).toBe(0);
    expect(github.requests.map((q) => q.method)).toEqual(['GET', 'PATCH']);
    expect(github.comments(PR)).toHaveLength(1);
    // Neither secret crosses to the other host, nor into anything the run leaves.
    expect(JSON.stringify(github.requests)).not.toContain(KEYS.pro);
    expect(JSON.stringify(fx.emu.requests.map((q) => q.headers))).not.toContain(WORKFLOW_TOKEN);
    expect(again.everything.replace(/::add-mask::.*/g, '')).not.toContain(WORKFLOW_TOKEN);
  });

  it('a plan over max-new-projects is still posted in full, then the step fails', async () => {
    const r = await plan({ 'max-new-projects': '1' });
    expect(r.exitCode).toBe(1);
    expect(r.outputs['error-code']).toBe('too-many-projects');
    const body = github.comments(PR)[0]?.body ?? '';
    expect(body).toContain('would create');
    expect(body).toContain('max-new-projects');
  });

  it('on a fork, one warning that comments are skipped there; the plan and its outputs stand', async () => {
    const r = await plan({ 'github-token': FORK_TOKEN }, { GITHUB_EVENT_PATH: events.fork as string });
    expect(r.exitCode).toBe(0);
    expect(r.annotations).toEqual([
      expect.objectContaining({ level: 'warning', message: expect.stringMatching(/fork/) }),
    ]);
    expect(r.outputs['missing-datasets']).toBe('datasets/not-yet');
    expect(github.comments(PR)).toEqual([]);
  });

  it("sends GitHub's requests within the step's timeout and retries", async () => {
    github.fault({ hang: true });
    const started = performance.now();
    const r = await plan({ timeout: '0.5', retries: '1' });
    expect(r.exitCode).toBe(0);
    expect(github.requests.map((q) => q.method)).toEqual(['GET', 'GET']);
    expect(performance.now() - started).toBeLessThan(10_000);
    expect(r.annotations).toEqual([
      expect.objectContaining({ level: 'warning', message: expect.stringContaining('0.5 s') }),
    ]);
  });

  it('replaces an earlier plan with why the run failed, when its inputs are refused', async () => {
    await plan();
    const r = await plan({ template: '../x' });
    expect(r.exitCode).toBe(1);
    expect(r.outputs['error-code']).toBe('invalid-input');
    const comments = github.comments(PR);
    expect(comments).toHaveLength(1);
    expect(comments[0]?.body).toContain('Invalid template');
    expect(comments[0]?.body).not.toContain('would create');
  });

  it('on pull_request_target, warns once; on a push, says so in the log; neither asks anything of GitHub', async () => {
    const target = await plan({}, { GITHUB_EVENT_NAME: 'pull_request_target' });
    expect(target.exitCode).toBe(0);
    expect(target.annotations.filter((a) => a.level === 'warning')).toHaveLength(1);
    const push = await plan({}, { GITHUB_EVENT_NAME: 'push' });
    expect(push.annotations.filter((a) => a.level === 'warning')).toEqual([]);
    expect(logLines(push)).toContain(
      'pr-comment works on pull_request events only; this run is for a push event, so nothing is posted.',
    );
    expect(github.requests).toEqual([]);
  });

  it('as a process, as the runner runs it', async () => {
    const r = await runAction(
      {
        'base-url': fx.emu.url,
        'api-key': KEYS.pro,
        template: TEMPLATES.image,
        'dataset-dirs': 'datasets/*',
        owner: 'acme',
        'dry-run': 'true',
        'pr-comment': 'true',
        'github-token': WORKFLOW_TOKEN,
      },
      {
        env: {
          GITHUB_WORKSPACE: ws,
          GITHUB_EVENT_NAME: 'pull_request',
          GITHUB_EVENT_PATH: events.same as string,
          GITHUB_API_URL: github.url,
        },
      },
    );
    expect(r.exitCode, r.stdout).toBe(0);
    expect(github.comments(PR)).toHaveLength(1);
  });
});
