/**
 * The example workflows do what their comments say: examples/dataset-projects.yml is checked as GitHub reads it
 * (its `if:` conditions evaluated by GitHub's own expression library), and its shell steps are run with bash as
 * GitHub runs them, over a repository laid out in a temporary directory, with stand-ins for `avala` and
 * `git lfs` (test/fixtures/bin) that refuse what the real commands refuse and record what they are asked.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { condition } from './support/expressions.ts';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const BIN = join(ROOT, 'test/fixtures/bin');
const EXAMPLES = join(ROOT, 'examples');
const WORKFLOW = 'dataset-projects.yml';

type Scalar = string | number | boolean;
interface Step {
  'continue-on-error'?: boolean;
  id?: string;
  name?: string;
  uses?: string;
  if?: string;
  run?: string;
  shell?: string;
  env?: Record<string, Scalar>;
  with?: Record<string, Scalar>;
}
interface Job {
  if?: string;
  permissions?: Record<string, string>;
  concurrency?: { group: string; 'cancel-in-progress'?: boolean };
  steps: Step[];
}
interface Workflow {
  on: Record<string, unknown>;
  permissions?: Record<string, string>;
  defaults?: { run?: { shell?: string } };
  jobs: Record<string, Job>;
}

const text = (file: string) => readFileSync(join(EXAMPLES, file), 'utf8');
/** The example workflows; examples/avala-projects.yml is the config file that examples/avala.yml reads. */
const exampleFiles = readdirSync(EXAMPLES).filter((file) => /\.ya?ml$/.test(file) && file !== 'avala-projects.yml');
const workflow = parse(text(WORKFLOW)) as Workflow;

function job(name: string): Job {
  const found = workflow.jobs[name];
  if (!found) throw new Error(`no job ${name}`);
  return found;
}
function step(jobName: string, id: string): Step {
  const found = job(jobName).steps.find((s) => s.id === id);
  if (!found) throw new Error(`no step ${id} in ${jobName}`);
  return found;
}
function script(s: Step): string {
  if (!s.run) throw new Error(`step ${s.id ?? s.name} runs no script`);
  return s.run;
}
const apply = job('apply');
const plan = job('plan');

/** Every `${{ … }}` of a step's env, replaced by what the test says it is; one the test does not know fails. */
function environment(s: Step, values: Record<string, string>): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(s.env ?? {})) {
    env[key] = String(value).replace(/\$\{\{\s*(.+?)\s*\}\}/g, (_, expr: string) => {
      const known = values[expr];
      if (known === undefined) throw new Error(`the test gives no value for ${expr}`);
      return known;
    });
  }
  return env;
}

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

/** Runs a `run:` script as GitHub does with `shell: bash`, in the repository, with the step's env and `extra`. */
function run(source: string, env: Record<string, string>, extra: Record<string, string> = {}): Result {
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
      GITHUB_SERVER_URL: 'https://github.com',
      GITHUB_STEP_SUMMARY: join(dir, 'summary.md'),
      AVALA_STUB_LOG: logs.avala,
      GIT_STUB_LOG: logs.git,
      ...env,
      ...extra,
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

// A repository whose datasets/ has new directories, directories Avala has already, and a file; and the plans'
// missing-datasets over it: the new directories only (datasets/images/street-w46, removed, is in neither).
const TREE = {
  'README.md': 'datasets\n',
  'datasets/images/README.md': 'one directory per dataset\n',
  'datasets/images/street-w47/0001.jpg': 'jpeg w47',
  'datasets/images/street-w48/0001.jpg': 'jpeg w48 1',
  'datasets/images/street-w48/left/0002.jpg': 'jpeg w48 2',
  'datasets/images/night-01/0001.jpg': 'jpeg night',
  'datasets/lidar/lot-2/frames/000.pcd': 'pcd lot 2',
  'datasets/lidar/lot-3/frames/000.pcd': 'pcd lot 3',
  'datasets/lidar/lot-3/calibration.json': '{}',
};
const MISSING_IMAGES = 'datasets/images/street-w48\ndatasets/images/night-01';
const MISSING_LIDAR = 'datasets/lidar/lot-3';
/** The command line an upload of `path` should be, split as bash splits it. */
const upload = (path: string, slug: string, type: string) =>
  `datasets upload --source ${path} --name ${slug} --slug ${slug} --data-type ${type} --owner acme`.split(' ');
const EXPECTED = [
  upload('datasets/images/street-w48', 'street-w48', 'image'),
  upload('datasets/images/night-01', 'night-01', 'image'),
  upload('datasets/lidar/lot-3', 'lot-3', 'lidar'),
];
const pointer = (oid: string) =>
  `version https://git-lfs.github.com/spec/v1\noid sha256:${oid.repeat(64)}\nsize 4096\n`;

function stepValues(images: string, lidar: string, key = 'avk_test'): Record<string, string> {
  return {
    'secrets.AVALA_API_KEY': key,
    'github.token': 'ghs_test',
    'steps.plan-images.outputs.missing-datasets': images,
    'steps.plan-lidar.outputs.missing-datasets': lidar,
  };
}
const uploadStep = step('apply', 'upload');
const runUpload = (images: string, lidar: string, extra: Record<string, string> = {}, key = 'avk_test') =>
  run(script(uploadStep), environment(uploadStep, stepValues(images, lidar, key)), extra);

describe('examples/dataset-projects.yml, as GitHub reads it', () => {
  it('runs on pushes to main and pull requests under datasets/ or to itself, nightly, and by hand', () => {
    // The pull request that adds the workflow gets a plan of the first run, which the merge then makes.
    const paths = ['datasets/**', '.github/workflows/dataset-projects.yml'];
    expect(workflow.on).toMatchObject({
      push: { branches: ['main'], paths },
      pull_request: { paths },
      schedule: [{ cron: expect.stringMatching(/^\S+ \S+ \* \* \*$/) }],
      workflow_dispatch: { inputs: { 'max-new-projects': { default: '20' } } },
    });
  });

  it('every step of the action gets the cap a manual run may raise, 20 otherwise', () => {
    const steps = [...apply.steps, ...plan.steps].filter((s) => s.uses?.startsWith('ORG/'));
    expect(steps).toHaveLength(6);
    // biome-ignore lint/suspicious/noTemplateCurlyInString: a GitHub expression, not a template literal.
    for (const s of steps) expect(s.with?.['max-new-projects'], s.id).toBe('${{ inputs.max-new-projects || 20 }}');
  });

  it('applies on main outside pull requests; plans on pull requests, except from forks, which get no secrets', () => {
    const github = (event: string, ref: string, head = 'acme/datasets') => ({
      github: {
        event_name: event,
        ref,
        repository: 'acme/datasets',
        event: event === 'pull_request' ? { pull_request: { head: { repo: { full_name: head } } } } : {},
      },
    });
    const runs = (context: object) => ({ apply: condition(apply.if, context), plan: condition(plan.if, context) });
    expect(runs(github('push', 'refs/heads/main'))).toEqual({ apply: true, plan: false });
    expect(runs(github('schedule', 'refs/heads/main'))).toEqual({ apply: true, plan: false });
    expect(runs(github('workflow_dispatch', 'refs/heads/main'))).toEqual({ apply: true, plan: false });
    expect(runs(github('workflow_dispatch', 'refs/heads/try-out'))).toEqual({ apply: false, plan: false });
    expect(runs(github('pull_request', 'refs/pull/7/merge'))).toEqual({ apply: false, plan: true });
    expect(runs(github('pull_request', 'refs/pull/8/merge', 'someone/datasets'))).toEqual({
      apply: false,
      plan: false,
    });
    expect(plan.if).toContain('github.event.pull_request.head.repo.full_name == github.repository');
  });

  it('grants each job only what it needs, and runs one apply at a time, queued rather than canceled', () => {
    expect(workflow.permissions).toEqual({});
    expect(apply.permissions).toEqual({ contents: 'read' });
    expect(plan.permissions).toEqual({ contents: 'read', 'pull-requests': 'write' });
    expect(apply.concurrency).toMatchObject({ group: expect.any(String), 'cancel-in-progress': false });
    expect(plan.concurrency?.group).toMatch(/\$\{\{ github\.event\.pull_request\.number \}\}/);
  });

  it('runs its scripts with bash -eo pipefail (shell: bash), as the tests below do', () => {
    expect(workflow.defaults?.run?.shell).toBe('bash');
    for (const s of [...apply.steps, ...plan.steps]) expect(s.shell, s.id ?? s.name).toBeUndefined();
  });

  it('checks out without keeping credentials and without Git LFS files', () => {
    for (const checkout of [apply.steps[0], plan.steps[0]]) {
      expect(checkout?.uses).toMatch(/^actions\/checkout@/);
      expect(checkout?.with).toMatchObject({ 'persist-credentials': false, lfs: false });
    }
  });

  it('plans, uploads what is missing, then applies, each kind with the same template, directories and owner', () => {
    const ids = apply.steps.map((s) => s.id ?? s.name ?? s.uses);
    const at = (id: string) => ids.indexOf(id);
    expect(at('plan-images')).toBeGreaterThan(0);
    expect(at('plan-lidar')).toBeLessThan(at('upload'));
    expect(at('plan-images')).toBeLessThan(at('upload'));
    expect(at('upload')).toBeLessThan(at('apply-images'));
    expect(at('upload')).toBeLessThan(at('apply-lidar'));
    for (const kind of ['images', 'lidar']) {
      const planned = step('apply', `plan-${kind}`).with ?? {};
      const applied = step('apply', `apply-${kind}`).with ?? {};
      expect(planned).toMatchObject({ 'dry-run': true, 'dataset-dirs': `datasets/${kind}/*`, owner: 'acme' });
      expect(applied).toMatchObject({ approve: true, 'wait-for-dataset': expect.any(Number) });
      expect(applied['dry-run']).toBeUndefined();
      for (const input of ['api-key', 'template', 'dataset-dirs', 'owner']) expect(applied[input]).toBe(planned[input]);
      // On a pull request the same plan, as a comment of its own: the action finds it by the step's id.
      expect(step('plan', `plan-${kind}`).with).toEqual({ ...planned, 'pr-comment': true });
    }
    expect(step('apply', 'plan-images').with?.template).not.toBe(step('apply', 'plan-lidar').with?.template);
    expect(uploadStep.env?.OWNER).toBe('acme');
  });

  it('sets up Python and installs the CLI only when a plan found a directory Avala has no dataset for', () => {
    const needed = apply.steps.filter((s) => s.if?.includes('missing-datasets'));
    expect(needed.map((s) => s.id ?? s.name ?? s.uses?.split('@')[0])).toEqual([
      'actions/setup-python',
      'Install the Avala CLI',
      'upload',
    ]);
    expect(needed[1]?.run).toMatch(/^pip install "avala\[cli\]==\d+\.\d+\.\d+"/);
    const steps = (images: string, lidar: string) => ({
      steps: {
        'plan-images': { outputs: { 'missing-datasets': images } },
        'plan-lidar': { outputs: { 'missing-datasets': lidar } },
      },
    });
    for (const s of needed) {
      expect(condition(s.if, steps('', '')), s.if).toBe(false);
      expect(condition(s.if, steps(MISSING_IMAGES, '')), s.if).toBe(true);
      expect(condition(s.if, steps('', MISSING_LIDAR)), s.if).toBe(true);
    }
  });
});

describe('the upload step, run over a repository', () => {
  it('uploads exactly the missing directories: images as image, LiDAR as lidar, named by slug, under the owner', () => {
    write(TREE);
    const result = runUpload(MISSING_IMAGES, MISSING_LIDAR);
    expect(result.stderr).not.toMatch(/Error/);
    expect(result.status).toBe(0);
    expect(result.uploads).toEqual(EXPECTED);
    expect(result.git).toEqual([]);
    expect(result.stdout).toContain('Uploaded 3 datasets.');
  });

  it('uploads nothing, and succeeds, when Avala has every dataset', () => {
    write(TREE);
    for (const [images, lidar] of [
      ['', ''],
      ['\n', '\n\n'],
    ]) {
      const result = runUpload(images ?? '', lidar ?? '');
      expect(result.status).toBe(0);
      expect(result.uploads).toEqual([]);
      expect(result.stdout).toContain('Nothing to upload');
    }
  });

  it('reads lists with blank lines and CRLF line ends', () => {
    write(TREE);
    const result = runUpload(
      '\r\ndatasets/images/street-w48\r\n\r\ndatasets/images/night-01\r\n',
      `${MISSING_LIDAR}\n`,
    );
    expect(result.status).toBe(0);
    expect(result.uploads).toEqual(EXPECTED);
  });

  it('fails when an upload fails, naming the directory, after uploading the others', () => {
    write(TREE);
    const result = runUpload(MISSING_IMAGES, MISSING_LIDAR, { AVALA_STUB_FAIL: 'night-01' });
    expect(result.status).toBe(1);
    expect(result.stdout).toContain('::error::Avala did not take 1 of 3 datasets: datasets/images/night-01');
    expect(result.stderr).toContain('Error: Upload failed');
    expect(result.uploads).toEqual(EXPECTED);
  });

  it('fails without the AVALA_API_KEY secret, as the CLI refuses to run', () => {
    write(TREE);
    const result = runUpload(MISSING_IMAGES, MISSING_LIDAR, {}, '');
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('Error: No API key provided.');
    expect(result.uploads).toEqual([]);
  });

  it.each([
    [
      'a removed directory',
      'datasets/images/street-w46',
      'datasets/images/street-w46: no such directory in this checkout',
    ],
    ['a file', 'datasets/images/README.md', 'datasets/images/README.md: no such directory in this checkout'],
    ['a path outside the workspace', '../outside', '../outside: not a plain path inside the workspace'],
    ['an absolute path', '/tmp', '/tmp: not a plain path inside the workspace'],
    [
      'a path git lfs would read as a pattern',
      'datasets/images/*',
      'datasets/images/*: not a plain path inside the workspace',
    ],
    [
      'a second directory for one dataset',
      'datasets/images/lot-3',
      'datasets/lidar/lot-3: a second directory for the dataset acme/lot-3',
    ],
  ])('uploads nothing when the list names %s', (_, entry, error) => {
    write({ ...TREE, 'datasets/images/lot-3/0001.jpg': 'jpeg' });
    mkdirSync(join(dir, 'outside'));
    const result = runUpload(`${MISSING_IMAGES}\n${entry}`, MISSING_LIDAR);
    expect(result.status).toBe(1);
    expect(result.stdout).toContain(`::error::${error}\n`);
    expect(result.stdout).toContain('Uploaded nothing');
    expect(result.uploads).toEqual([]);
  });

  it("pulls the missing directories' Git LFS files only, the token in git's environment, then uploads", () => {
    write({
      ...TREE,
      'datasets/images/street-w47/0001.jpg': pointer('7'),
      'datasets/images/street-w48/0001.jpg': pointer('8'),
      'datasets/lidar/lot-3/frames/000.pcd': pointer('3'),
    });
    const result = runUpload(MISSING_IMAGES, MISSING_LIDAR);
    expect(result.status).toBe(0);
    const basic = Buffer.from('x-access-token:ghs_test').toString('base64');
    expect(result.git).toEqual([
      {
        argv: ['lfs', 'pull', '--include=datasets/images/street-w48,datasets/images/night-01,datasets/lidar/lot-3'],
        config: { 'http.https://github.com/.extraheader': `AUTHORIZATION: basic ${basic}` },
      },
    ]);
    expect(result.stdout).toContain(`::add-mask::${basic}`);
    expect(readFileSync(join(repo, 'datasets/images/street-w48/0001.jpg'), 'utf8')).toBe(
      `lfs content ${'8'.repeat(64)}\n`,
    );
    expect(readFileSync(join(repo, 'datasets/images/street-w47/0001.jpg'), 'utf8')).toBe(pointer('7'));
    expect(result.uploads).toEqual(EXPECTED);
  });

  it('uploads nothing when git lfs pull leaves pointer files', () => {
    write({ ...TREE, 'datasets/lidar/lot-3/frames/000.pcd': pointer('3') });
    const result = runUpload(MISSING_IMAGES, MISSING_LIDAR, { GIT_STUB_LFS: 'noop' });
    expect(result.status).toBe(1);
    expect(result.git).toHaveLength(1);
    expect(result.stdout).toContain('still Git LFS pointers');
    expect(result.stdout).toContain('datasets/lidar/lot-3/frames/000.pcd');
    expect(result.uploads).toEqual([]);
  });
});

describe('the report step', () => {
  const report = apply.steps.find((s) => s.name === 'Report the new projects') ?? {};
  const values = (images: string, lidar: string) => ({
    'steps.apply-images.outputs.created-uids': images,
    'steps.apply-lidar.outputs.created-uids': lidar,
  });

  it('lists the projects this run created in the job summary', () => {
    const result = run(script(report), environment(report, values('uid-1\nuid-2', 'uid-3\n')));
    expect(result.status).toBe(0);
    expect(readFileSync(join(dir, 'summary.md'), 'utf8')).toBe(
      '### New annotation projects\n- uid-1\n- uid-2\n- uid-3\n',
    );
  });

  it('says so when it created none', () => {
    const result = run(script(report), environment(report, values('', '')));
    expect(result.status).toBe(0);
    expect(readFileSync(join(dir, 'summary.md'), 'utf8')).toContain('None');
  });
});

describe('a plan that fails', () => {
  const planned = (images: Record<string, string>, lidar: Record<string, string> = {}) => ({
    steps: {
      'plan-images': {
        outcome: images.outcome ?? 'success',
        outputs: { 'missing-datasets': MISSING_IMAGES, ...images },
      },
      'plan-lidar': { outcome: lidar.outcome ?? 'success', outputs: { 'missing-datasets': MISSING_LIDAR, ...lidar } },
    },
  });
  const later = ['actions/setup-python', 'Install the Avala CLI', 'upload', 'apply-images', 'apply-lidar'];
  const laterSteps = apply.steps.filter((s) => later.includes(s.id ?? s.name ?? s.uses?.split('@')[0] ?? ''));

  it('over max-new-projects stops the upload and the apply steps, whichever plan it was', () => {
    expect(laterSteps).toHaveLength(later.length);
    for (const s of laterSteps) {
      expect(condition(s.if, planned({ 'error-code': 'too-many-projects', outcome: 'failure' })), s.if).toBe(false);
      expect(condition(s.if, planned({}, { 'error-code': 'too-many-projects', outcome: 'failure' })), s.if).toBe(false);
    }
  });

  it('for one directory lets the others go on, and the job still fails at its end', () => {
    const oneBad = planned({ 'error-code': 'unsupported-dataset', outcome: 'failure' });
    for (const s of laterSteps) expect(condition(s.if, oneBad), s.if).toBe(true);
    for (const jobName of ['apply', 'plan'] as const) {
      const plans = job(jobName).steps.filter((s) => s.id?.startsWith('plan-'));
      expect(plans.map((s) => s['continue-on-error'])).toEqual([true, true]);
      const last = job(jobName).steps.at(-1) ?? {};
      expect(condition(last.if, oneBad)).toBe(true);
      expect(condition(last.if, planned({}))).toBe(false);
      const values = {
        'steps.plan-images.outputs.error-code': 'unsupported-dataset',
        'steps.plan-lidar.outputs.error-code': '',
      };
      const result = run(script(last), environment(last, values));
      expect(result.status).toBe(1);
      expect(result.stdout).toContain('::error::A plan failed (images: unsupported-dataset, LiDAR: ok)');
    }
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

  it('are the one-step workflow, this workflow and the nightly archive', () => {
    expect([...exampleFiles].sort()).toEqual(['avala.yml', 'dataset-projects.yml', 'nightly-archive.yml']);
  });
});
