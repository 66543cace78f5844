/**
 * examples/dataset-projects.yml, the workflow without a config file: checked as GitHub reads it (its `if:` by
 * GitHub's own expression library), then its two steps run against the emulator as a pull request and a push
 * would run them, over a checkout with directories Avala lacks. The stand-ins for `avala` and `git lfs`
 * (test/fixtures/bin) refuse what the real commands refuse: the README's Avala CLI paragraph runs against one.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { KEYS } from '../emulator/seed.ts';
import { condition } from './support/expressions.ts';
import { useEmulator } from './support/fixtures.ts';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const BIN = join(ROOT, 'test/fixtures/bin');
const EXAMPLES = join(ROOT, 'examples');

type Scalar = string | number | boolean;
interface Step {
  id?: string;
  name?: string;
  uses?: string;
  if?: string;
  run?: string;
  with?: Record<string, Scalar>;
}
interface Job {
  if?: string;
  steps: Step[];
}
interface Workflow {
  on: Record<string, unknown>;
  permissions?: Record<string, string>;
  concurrency?: { group: string; 'cancel-in-progress'?: boolean };
  jobs: Record<string, Job>;
}

const text = (file: string) => readFileSync(join(EXAMPLES, file), 'utf8');
/** The example workflows; examples/avala-projects.yml is the config file that examples/avala.yml reads. */
const exampleFiles = readdirSync(EXAMPLES).filter((file) => /\.ya?ml$/.test(file) && file !== 'avala-projects.yml');
const workflow = parse(text('dataset-projects.yml')) as Workflow;
const job = workflow.jobs.avala as Job;
const actionSteps = job.steps.filter((s) => s.uses?.startsWith('ORG/avala-projects-action@'));

/** A step's inputs as the runner passes them: every `${{ … }}` replaced by what the test says it is. */
function inputsOf(s: Step, values: Record<string, string>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(s.with ?? {}).map(([key, value]) => [
      key,
      String(value).replace(/\$\{\{\s*(.+?)\s*\}\}/g, (_, expr: string) => {
        const known = values[expr];
        if (known === undefined) throw new Error(`the test gives no value for ${expr}`);
        return known;
      }),
    ]),
  );
}

describe('examples/dataset-projects.yml, as GitHub reads it', () => {
  it('is one job: checkout, then one step of the action per template; no script, no Python, no CLI', () => {
    expect(Object.keys(workflow.jobs)).toEqual(['avala']);
    expect(job.steps.map((s) => s.uses?.split('@')[0])).toEqual([
      'actions/checkout',
      'ORG/avala-projects-action',
      'ORG/avala-projects-action',
    ]);
    expect(job.steps.filter((s) => s.run)).toEqual([]);
    expect(text('dataset-projects.yml')).not.toMatch(/python|pip install|avala datasets/i);
    expect(job.steps[0]?.with).toEqual({ 'persist-credentials': false });
  });

  it('plans pull requests, applies pushes to main, nightly and by hand, one run at a time', () => {
    expect(workflow.on).toMatchObject({
      push: { branches: ['main'] },
      schedule: [{ cron: expect.stringMatching(/^\S+ \S+ \* \* \*$/) }],
      workflow_dispatch: { inputs: { 'max-new-projects': { default: '20' } } },
    });
    expect(workflow.permissions).toEqual({ contents: 'read', 'pull-requests': 'write' });
    expect(workflow.concurrency?.['cancel-in-progress']).toBe(false);
    const github = (event: string, head = 'acme/datasets') => ({
      github: {
        event_name: event,
        repository: 'acme/datasets',
        event: event === 'pull_request' ? { pull_request: { head: { repo: { full_name: head } } } } : {},
      },
    });
    expect(condition(job.if, github('push'))).toBe(true);
    expect(condition(job.if, github('pull_request'))).toBe(true);
    expect(condition(job.if, github('pull_request', 'someone/datasets'))).toBe(false);
  });

  it('uploads each kind as its data type, with the same owner, and the LiDAR step runs after a failed image step', () => {
    expect(actionSteps.map((s) => [s.id, s.with?.['dataset-dirs'], s.with?.['data-type'], s.with?.upload])).toEqual([
      ['images', 'datasets/images/*', 'image', true],
      ['lidar', 'datasets/lidar/*', 'lidar', true],
    ]);
    expect(new Set(actionSteps.map((s) => s.with?.owner))).toEqual(new Set(['acme']));
    // biome-ignore lint/suspicious/noTemplateCurlyInString: a GitHub expression, not a template literal.
    expect(actionSteps[1]?.if).toBe('${{ !cancelled() }}');
  });
});

describe('its steps, run as a pull request and then a push would run them', () => {
  const fx = useEmulator({ uploads: { readiness: { reads: 1 } } });
  let ws = '';
  beforeEach(() => {
    ws = mkdtempSync(join(tmpdir(), 'avala-example-dirs-'));
    const files: Record<string, string> = {
      'datasets/images/street-2026-w49/0001.jpg': 'jpeg 1',
      'datasets/images/street-2026-w49/left/0002.jpg': 'jpeg 2',
      'datasets/lidar/lot-3/frames/000.pcd': 'pcd 0',
      'datasets/lidar/lot-3/calibration.json': '{}',
    };
    for (const [path, content] of Object.entries(files)) {
      mkdirSync(dirname(join(ws, path)), { recursive: true });
      writeFileSync(join(ws, path), content);
    }
  });
  afterEach(() => rmSync(ws, { recursive: true, force: true }));

  // The comment has tests of its own (plan-comment, pr-comment): here it would only warn, with no GitHub to post to.
  const values = { 'secrets.AVALA_API_KEY': KEYS.pro, 'inputs.max-new-projects': '' };
  const runAll = async (env: Record<string, string>) => {
    const runs = [];
    for (const s of actionSteps) {
      runs.push(await fx.run({ ...inputsOf(s, values), 'pr-comment': 'false' }, { GITHUB_WORKSPACE: ws, ...env }));
    }
    return runs;
  };

  it('plans the uploads on the pull request, uploads and clones on the push, and a re-run repeats nothing', async () => {
    const plans = await runAll({ GITHUB_EVENT_NAME: 'pull_request', GITHUB_REF: 'refs/pull/7/merge' });
    expect(plans.map((r) => r.exitCode)).toEqual([0, 0]);
    expect(plans[0]?.stdout).toContain('Would upload 1 dataset (2 files, 12 B), start 1 billable project');
    expect(fx.emu.calls('POST')).toEqual([]);
    const applies = await runAll({});
    expect(applies.map((r) => [r.exitCode, r.outputs['uploaded-datasets']])).toEqual([
      [0, 'datasets/images/street-2026-w49'],
      [0, 'datasets/lidar/lot-3'],
    ]);
    const made = [...fx.emu.datasets.byUid.values()].filter((d) => ['street-2026-w49', 'lot-3'].includes(d.slug));
    expect(made.map((d) => [d.slug, d.data_type])).toEqual([
      ['street-2026-w49', 'image'],
      ['lot-3', 'lidar'],
    ]);
    const clones = fx.emu.calls('POST', '/create-from-existing/').map((q) => Object.keys(JSON.parse(q.body ?? '{}')));
    expect(clones.map((keys) => keys.filter((k) => k.endsWith('_dataset_uid')))).toEqual([
      ['image_dataset_uid'],
      ['lidar_dataset_uid'],
    ]);
    fx.emu.requests.length = 0;
    const again = await runAll({ GITHUB_EVENT_NAME: 'schedule' });
    expect(again.map((r) => r.outputs.changed)).toEqual(['false', 'false']);
    expect(fx.emu.calls('POST')).toEqual([]);
  });
});

interface GitCall {
  argv: string[];
  config: Record<string, string>;
}
interface Result {
  status: number | null;
  stdout: string;
  stderr: string;
  uploads: string[][];
  git: GitCall[];
}

let dir = '';
let repo = '';
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'avala-examples-'));
  repo = join(dir, 'repo');
  mkdirSync(join(repo, '.git'), { recursive: true });
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function write(files: Record<string, string>): void {
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(dirname(join(repo, path)), { recursive: true });
    writeFileSync(join(repo, path), content);
  }
}
const lines = (file: string): string[] => {
  try {
    return readFileSync(file, 'utf8').split('\n').filter(Boolean);
  } catch {
    return [];
  }
};

/** Runs a command line as GitHub does with `shell: bash`, in the repository, with `env`. */
function run(source: string, env: Record<string, string>): Result {
  const file = join(dir, 'step.sh');
  writeFileSync(file, source);
  const logs = { avala: join(dir, 'avala.log'), git: join(dir, 'git.log') };
  for (const log of Object.values(logs)) rmSync(log, { force: true });
  const result = spawnSync('bash', ['--noprofile', '--norc', '-eo', 'pipefail', file], {
    cwd: repo,
    encoding: 'utf8',
    env: {
      PATH: [BIN, dirname(process.execPath), process.env.PATH].join(':'),
      HOME: dir,
      AVALA_STUB_LOG: logs.avala,
      GIT_STUB_LOG: logs.git,
      ...env,
    },
  });
  return {
    status: result.status,
    stdout: result.stdout,
    stderr: result.stderr,
    uploads: lines(logs.avala).map((line) => JSON.parse(line) as string[]),
    git: lines(logs.git).map((line) => JSON.parse(line) as GitCall),
  };
}

const TREE = {
  'datasets/images/street-2026-w49/0001.jpg': 'jpeg',
  'datasets/lidar/lot-3/frames/000.pcd': 'pcd lot 3',
};
const upload = (path: string, slug: string, type: string) =>
  `datasets upload --source ${path} --name ${slug} --slug ${slug} --data-type ${type} --owner acme`.split(' ');

describe("README's Avala CLI paragraph, for teams that upload elsewhere", () => {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const command = readme.match(/`(avala datasets upload [^`]+)`/)?.[1] ?? '';

  it('runs as written against the stand-in, which refuses what the CLI refuses', () => {
    write(TREE);
    expect(command).not.toBe('');
    const result = run(command, { AVALA_API_KEY: 'avk_test' });
    expect(result.stderr).not.toMatch(/Error/);
    expect(result.status).toBe(0);
    expect(result.uploads).toEqual([upload('datasets/images/street-2026-w49', 'street-2026-w49', 'image')]);
  });
});

describe('the stand-ins refuse what the real commands refuse', () => {
  beforeEach(() => write(TREE));
  /** Runs `avala` with a command line written as one string, its arguments separated by single spaces. */
  const avala = (line: string, key = 'avk_test') =>
    run(`avala '${line.split(' ').join("' '")}'`, key ? { AVALA_API_KEY: key } : {});
  const good = 'datasets upload --source datasets/lidar/lot-3 --name lot-3 --slug lot-3';

  it('avala accepts the command line of the upload step, and records it', () => {
    const result = avala(`${good} --data-type lidar --owner acme`);
    expect(result.status).toBe(0);
    expect(result.uploads).toEqual([upload('datasets/lidar/lot-3', 'lot-3', 'lidar')]);
  });

  it.each([
    ['a missing --name', 'datasets upload --source datasets --slug s --data-type image', 2, "Missing option '--name'."],
    ['an unknown option', `${good} --data-type image --dataset-uid x`, 2, 'No such option: --dataset-uid'],
    [
      'a data type it does not know',
      `${good} --data-type pointcloud`,
      2,
      "Invalid value for '--data-type': 'pointcloud' is not one of 'image', 'video', 'lidar', 'mcap', 'splat'.",
    ],
    [
      'a --source that does not exist',
      'datasets upload --source gone --name n --slug s --data-type image',
      2,
      "Invalid value for '--source': Path 'gone' does not exist.",
    ],
    ['an extra argument', `${good} --data-type image datasets`, 2, 'Got unexpected extra argument (datasets)'],
    [
      '--dataset (deprecated: an upload always creates a new dataset)',
      `${good} --data-type image --dataset uid`,
      1,
      'Local upload creates a new dataset; --dataset is not supported.',
    ],
    [
      'a public dataset',
      `${good} --data-type image --visibility public`,
      1,
      'Local upload currently supports private datasets only.',
    ],
  ])('avala refuses %s', (_, line, status, message) => {
    const result = avala(line);
    expect(result.status).toBe(status);
    expect(result.stderr).toContain(`Error: ${message}\n`);
    expect(result.uploads).toEqual([]);
  });

  it('avala refuses to run without an API key, and a directory without files', () => {
    const noKey = avala(`${good} --data-type lidar`, '');
    expect(noKey.status).toBe(1);
    expect(noKey.stderr).toContain('Error: No API key provided.');
    mkdirSync(join(repo, 'datasets/images/empty'));
    const empty = avala('datasets upload --source datasets/images/empty --name e --slug e --data-type image');
    expect(empty.status).toBe(1);
    expect(empty.stderr).toContain('Error: No files found in datasets/images/empty');
    expect([...noKey.uploads, ...empty.uploads]).toEqual([]);
  });

  it('git accepts `git lfs pull --include=…` only', () => {
    expect(run("git lfs pull --include='datasets/images/a,datasets/lidar/b'", {}).git).toHaveLength(1);
    const refused = ['git lfs pull --includes=datasets', 'git pull', 'git lfs fetch', 'git lfs pull -I "datasets/*"'];
    for (const command of refused) {
      const result = run(command, {});
      expect(result.status, command).toBe(2);
      expect(result.git, command).toEqual([]);
    }
  });
});

describe('every example', () => {
  it.each(exampleFiles)('%s passes every value to its scripts through env:, never as an expression in run:', (file) => {
    const parsed = parse(text(file)) as Workflow;
    const scripts = Object.values(parsed.jobs).flatMap((j) => j.steps.flatMap((s) => (s.run ? [s.run] : [])));
    for (const source of scripts) expect(source).not.toContain('${{');
  });

  it.each(exampleFiles)('%s pins every action but this one to a full commit SHA, its version in a comment', (file) => {
    const uses = text(file)
      .split('\n')
      .filter((line) => /^\s*(- )?uses:/.test(line))
      .map((line) => line.replace(/^\s*(- )?uses:\s*/, ''));
    const others = uses.filter((use) => use !== 'ORG/avala-projects-action@v2');
    expect(others.filter((use) => !/^[\w.-]+\/[\w./-]+@[0-9a-f]{40} # v\d+\.\d+\.\d+$/.test(use))).toEqual([]);
    expect(uses.length).toBeGreaterThan(others.length);
  });

  it('are the one-step workflow, the workflow without a config file and the nightly archive', () => {
    expect([...exampleFiles].sort()).toEqual(['avala.yml', 'dataset-projects.yml', 'nightly-archive.yml']);
  });
});
