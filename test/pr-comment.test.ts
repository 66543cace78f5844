/**
 * pr-comment: one comment per step on the pull request, edited by every later
 * run, against the GitHub emulator over real sockets.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  ACTIONS_BOT,
  FORK_TOKEN,
  type GitHubEmulator,
  INSTALLATION_TOKEN,
  PERSONAL_TOKEN,
  REPOSITORY,
  REVIEWER,
  REVOKED_TOKEN,
  STRANGER,
  startGitHubEmulator,
  WORKFLOW_TOKEN,
} from '../emulator/github.ts';
import { type CommentOptions, commentMarker, writePullRequestComment } from '../src/runner/pr-comment.ts';
import { type Listening, startBystander } from './support/servers.ts';

const PR = 7;
const HEAD = 'a1b2c3d4e5f60718293a4b5c6d7e8f9012345678';
const COMMENTS = `/repos/${REPOSITORY}/issues/${PR}/comments`;
const LIST = `GET ${COMMENTS}?per_page=100`;
const STEP = { GITHUB_WORKFLOW: 'Avala projects', GITHUB_JOB: 'plan', GITHUB_ACTION: 'avala' };

let github: GitHubEmulator;
let bystander: Listening;
let dir: string;
let sameRepoEvent: string;
let forkEvent: string;

function pullRequestEvent(headRepo: string | null): unknown {
  const repo = (fullName: string) => ({ full_name: fullName, name: fullName.split('/')[1] });
  return {
    action: 'synchronize',
    number: PR,
    pull_request: {
      number: PR,
      head: { sha: HEAD, ref: 'feature', repo: headRepo === null ? null : repo(headRepo) },
      base: { sha: '0'.repeat(40), ref: 'main', repo: repo(REPOSITORY) },
    },
  };
}

async function eventFile(name: string, payload: unknown): Promise<string> {
  const path = join(dir, `${name}.json`);
  await writeFile(path, JSON.stringify(payload));
  return path;
}

beforeAll(async () => {
  [github, bystander] = await Promise.all([startGitHubEmulator(), startBystander()]);
  dir = await mkdtemp(join(tmpdir(), 'pr-comment-'));
  sameRepoEvent = await eventFile('same-repo', pullRequestEvent(REPOSITORY));
  forkEvent = await eventFile('fork', pullRequestEvent('contributor/datasets'));
});
afterAll(async () => {
  await Promise.all([github.close(), bystander.close(), rm(dir, { recursive: true, force: true })]);
});
beforeEach(() => {
  github.reset();
  bystander.seen.length = 0;
});

interface Run {
  result: Awaited<ReturnType<typeof writePullRequestComment>>;
  infos: string[];
  warnings: Array<{ message: string; title: string | undefined }>;
  waits: number[];
  ms: number;
}

async function run(options: Partial<CommentOptions> = {}, env: NodeJS.ProcessEnv = {}): Promise<Run> {
  const infos: string[] = [];
  const warnings: Run['warnings'] = [];
  const waits: number[] = [];
  const started = performance.now();
  const result = await writePullRequestComment({
    env: {
      GITHUB_EVENT_NAME: 'pull_request',
      GITHUB_EVENT_PATH: sameRepoEvent,
      GITHUB_API_URL: github.url,
      GITHUB_REPOSITORY: REPOSITORY,
      GITHUB_SERVER_URL: 'https://github.com',
      GITHUB_RUN_ID: '4242',
      ...STEP,
      ...env,
    },
    token: WORKFLOW_TOKEN,
    render: () => 'Plan: 2 projects would be created.',
    timeoutMs: 2_000,
    retries: 2,
    fetch: globalThis.fetch,
    log: { info: (message) => infos.push(message), warning: (message, title) => warnings.push({ message, title }) },
    sleep: async (ms) => {
      waits.push(ms);
    },
    random: () => 0.5,
    ...options,
  });
  return { result, infos, warnings, waits, ms: performance.now() - started };
}

const sent = () => github.requests.map((r) => `${r.method} ${r.path}`);
const marker = (env: NodeJS.ProcessEnv = {}) => commentMarker({ ...STEP, ...env });

describe('pr-comment writes one comment per step', () => {
  it('creates the comment on the first run and edits that same comment on the next', async () => {
    const first = await run();
    expect(first.result.written).toBe('created');
    expect(first.warnings).toEqual([]);
    expect(sent()).toEqual([LIST, `POST ${COMMENTS}`]);
    const [created] = github.comments(PR);
    expect(first.result.url).toBe(created?.html_url);
    expect(created?.user.login).toBe('github-actions[bot]');
    expect(created?.body).toBe(
      `${marker()}\nFor head commit \`a1b2c3d\` · [workflow run](https://github.com/${REPOSITORY}/actions/runs/4242)\n\nPlan: 2 projects would be created.`,
    );
    expect(first.infos).toEqual([
      expect.stringMatching(
        /^GET \/repos\/acme\/datasets\/issues\/7\/comments\?per_page=100 → 200 in \d+ ms \(GitHub\)$/,
      ),
      expect.stringMatching(/^POST \/repos\/acme\/datasets\/issues\/7\/comments → 201 in \d+ ms \(GitHub\)$/),
    ]);

    github.requests.length = 0;
    const second = await run({ render: () => 'Plan: 3 projects would be created.' });
    expect(second.result).toEqual({ written: 'updated', url: created?.html_url });
    expect(sent()).toEqual([LIST, `PATCH /repos/${REPOSITORY}/issues/comments/${created?.id}`]);
    const after = github.comments(PR);
    expect(after.map((c) => c.id)).toEqual([created?.id]);
    expect(after[0]?.body).toMatch(/Plan: 3 projects would be created\.$/);
    expect(github.requests.every((r) => r.authorization === `token ${WORKFLOW_TOKEN}`)).toBe(true);
    expect(github.requests.filter((r) => Object.keys(r.headers).some((h) => /avala/i.test(h)))).toEqual([]);
  });

  it("leaves another user's comment that carries the marker alone and creates its own", async () => {
    const planted = github.seed(PR, `${marker()}\nplanted`, STRANGER);
    const { result } = await run();
    expect(result.written).toBe('created');
    const comments = github.comments(PR);
    expect(comments).toHaveLength(2);
    expect(comments[0]).toEqual(planted);
    expect(comments[1]?.user.login).toBe(ACTIONS_BOT.login);
  });

  it('keeps one comment for each of two steps', async () => {
    for (const round of [1, 2]) {
      for (const step of ['plan-a', 'plan-b']) {
        const { result } = await run({ render: () => `${step} round ${round}` }, { GITHUB_ACTION: step });
        expect(result.written).toBe(round === 1 ? 'created' : 'updated');
      }
    }
    expect(github.comments(PR).map((c) => c.body.split('\n').at(-1))).toEqual(['plan-a round 2', 'plan-b round 2']);
  });

  it('finds its comment on the third page of the list, and edits it', async () => {
    github.seedMany(PR, 250);
    const own = github.seed(PR, `${marker()}\nold plan`);
    const { result } = await run();
    expect(result.written).toBe('updated');
    expect(sent()).toEqual([
      LIST,
      `${LIST}&page=2`,
      `${LIST}&page=3`,
      `PATCH /repos/${REPOSITORY}/issues/comments/${own.id}`,
    ]);
    expect(github.comments(PR)).toHaveLength(251);
  });

  it('costs at most two requests for a pull request of fewer than 100 comments with the workflow token', async () => {
    github.seedMany(PR, 99);
    await run();
    expect(github.requests).toHaveLength(2);
    github.requests.length = 0;
    await run();
    expect(sent()).toEqual([LIST, expect.stringMatching(/^PATCH /)]);
  });

  it("with a personal token, looks for the comments of GET /user's login", async () => {
    github.seed(PR, `${marker()}\nthe workflow token's`);
    const first = await run({ token: PERSONAL_TOKEN });
    expect(first.result.written).toBe('created');
    expect(sent()).toEqual(['GET /user', LIST, `POST ${COMMENTS}`]);
    github.requests.length = 0;
    const second = await run({ token: PERSONAL_TOKEN });
    expect(second.result.written).toBe('updated');
    expect(github.comments(PR).map((c) => c.user.login)).toEqual([ACTIONS_BOT.login, REVIEWER.login]);
  });

  it('takes a token GET /user refuses with 403 for the workflow bot', async () => {
    const own = github.seed(PR, `${marker()}\nold plan`);
    const { result, warnings } = await run({ token: INSTALLATION_TOKEN });
    expect(warnings).toEqual([]);
    expect(result.written).toBe('updated');
    expect(sent()).toEqual(['GET /user', LIST, `PATCH /repos/${REPOSITORY}/issues/comments/${own.id}`]);
  });

  it('works under a GitHub Enterprise Server base path', async () => {
    const ghes = await startGitHubEmulator({ basePath: '/api/v3' });
    try {
      const { result, warnings } = await run({}, { GITHUB_API_URL: ghes.url });
      expect(warnings).toEqual([]);
      expect(result.written).toBe('created');
      expect(ghes.requests.map((r) => `${r.method} ${r.path}`)).toEqual([
        `GET /api/v3${COMMENTS}?per_page=100`,
        `POST /api/v3${COMMENTS}`,
      ]);
    } finally {
      await ghes.close();
    }
  });

  it("cuts a long comment to fit GitHub's 65,536 characters", async () => {
    const long = await run({ render: () => 'x'.repeat(100_000) });
    expect(long.result.written).toBe('created');
    const body = github.comments(PR)[0]?.body ?? '';
    expect(body.length).toBeLessThanOrEqual(65_536);
    expect(body).toMatch(/cut to fit GitHub's limit of 65,536 characters for a comment\)$/);
    // A render that uses all the room it is given fills the comment exactly.
    await run({ render: (max) => 'y'.repeat(max) });
    expect(github.comments(PR)[0]?.body).toHaveLength(65_536);
  });
});

describe('pr-comment markers', () => {
  it('cannot be ended early by a name holding -->', () => {
    const hostile = marker({
      GITHUB_WORKFLOW: 'evil --> <!-- "x" --!> %',
      GITHUB_JOB: 'a\nb',
      GITHUB_ACTION: '\ud800',
    });
    const value = '"([^"<>!\\n]*)"';
    expect(hostile).toMatch(
      new RegExp(`^<!-- avala-projects-action pr-comment workflow=${value} job=${value} step=${value} -->$`),
    );
    expect(hostile.indexOf('-->')).toBe(hostile.length - 3);
    expect(marker({ GITHUB_WORKFLOW: 'a%3E' })).not.toBe(marker({ GITHUB_WORKFLOW: 'a>' }));
  });

  it('still finds a comment made under such a name', async () => {
    const env = { GITHUB_WORKFLOW: 'Plan --> merge' };
    expect((await run({}, env)).result.written).toBe('created');
    expect((await run({}, env)).result.written).toBe('updated');
    expect(github.comments(PR)).toHaveLength(1);
  });
});

describe('pr-comment when the comment cannot be written', () => {
  it('says once that comments are skipped on pull requests from forks, on a 403', async () => {
    const { result, warnings } = await run({ token: FORK_TOKEN }, { GITHUB_EVENT_PATH: forkEvent });
    expect(result).toEqual({ written: 'skipped' });
    expect(warnings).toEqual([
      {
        message: expect.stringMatching(/skipped on pull requests from forks.*403/),
        title: 'Avala pull-request comment not written',
      },
    ]);
    expect(sent()).toEqual([LIST, `POST ${COMMENTS}`]);
  });

  it('counts a pull request whose head repository is gone as a fork', async () => {
    const path = await eventFile('gone', pullRequestEvent(null));
    const { warnings } = await run({ token: FORK_TOKEN }, { GITHUB_EVENT_PATH: path });
    expect(warnings.map((w) => w.message)).toEqual([expect.stringMatching(/skipped on pull requests from forks/)]);
  });

  it('warns once after its retries when GitHub keeps failing with 500', async () => {
    github.fault({ status: 500 });
    const { result, warnings, waits } = await run();
    expect(result.written).toBe('skipped');
    expect(warnings.map((w) => w.message)).toEqual([
      expect.stringMatching(/GitHub responded 500 to GET \/repos.*Server Error/),
    ]);
    expect(sent()).toEqual([LIST, LIST, LIST]);
    expect(waits).toHaveLength(2);
  });

  it('gets past one 500, and waits as a 429 asks', async () => {
    github.fault({ status: 500, times: 1 });
    github.fault({ status: 429, times: 1, retryAfter: '2' });
    const { result, warnings, waits } = await run();
    expect(warnings).toEqual([]);
    expect(result.written).toBe('created');
    expect(sent()).toEqual([LIST, LIST, LIST, `POST ${COMMENTS}`]);
    expect(waits[1]).toBe(2_000);
  });

  it('sends a POST that failed again only once listing again finds no comment of its own', async () => {
    github.fault({ method: 'POST', status: 502, times: 1 });
    expect((await run()).result.written).toBe('created');
    expect(sent()).toEqual([LIST, `POST ${COMMENTS}`, LIST, `POST ${COMMENTS}`]);
    expect(github.comments(PR)).toHaveLength(1);

    // A POST that took effect although its response was an error, or never came: listing again finds it.
    for (const fault of [{ status: 500 }, { hang: true }]) {
      github.reset();
      github.fault({ method: 'POST', times: 1, afterActing: true, ...fault });
      const { result, warnings } = await run({ timeoutMs: 100 });
      expect(warnings).toEqual([]);
      expect(result).toEqual({ written: 'created', url: github.comments(PR)[0]?.html_url });
      expect(sent()).toEqual([LIST, `POST ${COMMENTS}`, LIST]);
      expect(github.comments(PR)).toHaveLength(1);
    }
  });

  it('follows no redirect: a warning, and the other origin receives nothing', async () => {
    github.fault({ status: 301, redirect: `${bystander.url}${COMMENTS}?per_page=100` });
    const { result, warnings } = await run();
    expect(result.written).toBe('skipped');
    expect(warnings.map((w) => w.message)).toEqual([
      expect.stringMatching(new RegExp(`redirect \\(301\\) to ${bystander.url}, not followed`)),
    ]);
    expect(sent()).toEqual([LIST]);
    expect(bystander.seen).toEqual([]);
  });

  it('refuses a next link to another origin', async () => {
    github.seedMany(PR, 150);
    github.foreignNext = bystander.url;
    const { result, warnings } = await run();
    expect(result.written).toBe('skipped');
    expect(warnings.map((w) => w.message)).toEqual([
      expect.stringMatching(
        /refused to send GET to http:\/\/127\.0\.0\.1:\d+: the token goes to GITHUB_API_URL's origin/,
      ),
    ]);
    expect(bystander.seen).toEqual([]);
    expect(github.comments(PR)).toHaveLength(150);
  });

  it('gives up on a server that never responds within timeoutMs × (retries + 1)', async () => {
    github.fault({ hang: true });
    const { result, warnings, ms, waits } = await run({ timeoutMs: 100, retries: 1 });
    expect(result.written).toBe('skipped');
    expect(warnings.map((w) => w.message)).toEqual([expect.stringMatching(/had no response within 0\.1 s/)]);
    expect(sent()).toEqual([LIST, LIST]);
    expect(ms).toBeLessThan(100 * 2 + waits.reduce((a, b) => a + b, 0) + 250);
  });

  it('warns once and sends nothing on another event than pull_request; says so in one info line on a push', async () => {
    for (const event of ['pull_request_target', 'issue_comment']) {
      const { result, warnings } = await run({}, { GITHUB_EVENT_NAME: event });
      expect(result.written).toBe('skipped');
      expect(warnings.map((w) => w.message)).toEqual([expect.stringMatching(/works on pull_request events only/)]);
    }
    // The one step of examples/avala.yml plans pull requests and applies pushes: no warning on every merge.
    for (const event of ['push', 'schedule', 'workflow_dispatch']) {
      const { result, warnings } = await run({}, { GITHUB_EVENT_NAME: event });
      expect(result.written).toBe('skipped');
      expect(warnings).toEqual([]);
    }
    expect(github.requests).toEqual([]);
  });

  it('warns once and sends nothing without a token', async () => {
    const { warnings } = await run({ token: '' });
    expect(warnings).toHaveLength(1);
    expect(github.requests).toEqual([]);
  });

  it("puts GitHub's error text on one line, control characters escaped", async () => {
    github.fault({ method: 'POST', status: 422, message: 'line one\nline two\r::error::\u001b[31mred' });
    const { warnings } = await run();
    expect(warnings).toHaveLength(1);
    expect(warnings[0]?.message).toMatch(/GitHub responded 422 to POST .*line one line two ::error::\\u001b\[31mred/);
    expect([...(warnings[0]?.message ?? '')].filter((c) => c < ' ')).toEqual([]);
  });

  it('never puts the token, or part of it, into a line of the log or a warning', async () => {
    const runs = [
      await run({ token: REVOKED_TOKEN }),
      await run({ token: PERSONAL_TOKEN }),
      await run({ token: FORK_TOKEN }, { GITHUB_EVENT_PATH: forkEvent }),
    ];
    github.fault({ status: 500 });
    runs.push(await run({ token: PERSONAL_TOKEN }));
    expect(runs.flatMap((r) => r.warnings)).toHaveLength(3);
    const lines = runs.flatMap((r) => [...r.infos, ...r.warnings.map((w) => w.message)]).join('\n');
    for (const token of [REVOKED_TOKEN, PERSONAL_TOKEN, FORK_TOKEN]) expect(lines).not.toContain(token.slice(4, 14));
  });

  it('takes the token out of an error that echoes it before the message is shortened', async () => {
    // Where a shortened message would cut it in two, a redaction after the cut would miss the part left.
    github.fault({ status: 500, message: `${'x'.repeat(280)} token ${WORKFLOW_TOKEN} was not accepted` });
    const { warnings } = await run({ retries: 0 });
    expect(warnings).toHaveLength(1);
    expect(warnings[0]?.message).toContain(' token *** ');
    expect(warnings[0]?.message).not.toContain(WORKFLOW_TOKEN.slice(0, 8));
  });
});
