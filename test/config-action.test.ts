/**
 * config (rules 33–40) through the action, in process against the emulator:
 * planned on the pull request, applied on the default branch, a re-run that
 * changes nothing; desired statuses, adoptions, orphans, caps, and the checks
 * that send nothing. One run as a process, the way the runner runs it.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DATASETS, KEYS, TEMPLATES } from '../emulator/seed.ts';
import { useEmulator } from './support/fixtures.ts';
import { type ActionRun, logLines } from './support/run-action.ts';

const fx = useEmulator();
let root: string;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'avala-config-action-'));
});
afterAll(() => rm(root, { recursive: true, force: true }));

const BASE = `owner: acme
approve: true
kinds:
  - dirs: datasets/images/*
    data-type: image
    template: ${TEMPLATES.image}
  - dirs: [datasets/lidar/*]
    data-type: lidar
    template: ${TEMPLATES.pointCloud}
`;

let count = 0;
/** A checkout with the config file and these dataset directories, each holding a file. */
async function checkout(config: string, dirs: string[]): Promise<string> {
  const ws = join(root, `ws${++count}`);
  await mkdir(join(ws, '.github'), { recursive: true });
  await writeFile(join(ws, '.github/avala-projects.yml'), config);
  for (const dir of dirs) {
    await mkdir(join(ws, dir), { recursive: true });
    await writeFile(join(ws, dir, '0001.jpg'), 'x');
  }
  return ws;
}

const DIRS = [
  `datasets/images/${DATASETS.street}`,
  `datasets/images/${DATASETS.street2}`,
  `datasets/lidar/${DATASETS.lidar}`,
];
const PR = { GITHUB_EVENT_NAME: 'pull_request', GITHUB_REF: 'refs/pull/7/merge' };
const run = (ws: string, env: Record<string, string> = {}, inputs: Record<string, string> = {}) =>
  fx.run({ config: '.github/avala-projects.yml', ...inputs }, { GITHUB_WORKSPACE: ws, ...env });

type Entry = { input: string; planned: string | null; created: boolean; changed: boolean; error_code: string | null };
const results = (r: ActionRun) => JSON.parse(r.outputs.results ?? '[]') as Entry[];
const posts = () => fx.emu.calls('POST').map((q) => q.path.replace(/^\/api\/v1\/projects\//, ''));

describe('config: plan on the pull request, apply on merge', () => {
  it('plans every kind in one step, applies it, and a re-run changes nothing', async () => {
    const ws = await checkout(BASE, DIRS);
    const plan = await run(ws, PR);
    expect(plan.exitCode, plan.stdout).toBe(0);
    expect(fx.emu.calls().every((q) => q.method === 'GET')).toBe(true);
    expect(results(plan).map((e) => [e.input, e.planned])).toEqual([
      [`datasets/images/${DATASETS.street}`, 'create'],
      [`datasets/images/${DATASETS.street2}`, 'create'],
      [`datasets/lidar/${DATASETS.lidar}`, 'create'],
    ]);
    const headline =
      'Would start 3 billable projects (3 create and approve) and stop 0. 0 unchanged, 0 not uploaded yet, 0 skipped, 0 failed.';
    expect(logLines(plan)).toContain(headline);
    // Templates by name and task type, from the one listing that also served the lookups.
    expect(plan.summary).toContain(
      'from template <code>Template: point-cloud-annotation</code> (point-cloud-annotation, ',
    );
    expect(fx.emu.calls('GET', /\/projects\/acme\//)).toHaveLength(1);
    expect(plan.outputs.orphans).toBe('');

    fx.emu.requests.length = 0;
    const apply = await run(ws);
    expect(apply.exitCode, apply.stdout).toBe(0);
    expect(posts().filter((p) => p === 'create-from-existing/')).toHaveLength(3);
    expect(posts().filter((p) => p.endsWith('/approve/'))).toHaveLength(3);
    const bodies = fx.emu.calls('POST', /create-from-existing/).map((q) => JSON.parse(q.body));
    expect(
      bodies.map((b) => [b.name, b.source_project_uid, Object.keys(b).find((k) => k.endsWith('dataset_uid'))]),
    ).toEqual([
      [`datasets-${DATASETS.street}`, TEMPLATES.image, 'image_dataset_uid'],
      [`datasets-${DATASETS.street2}`, TEMPLATES.image, 'image_dataset_uid'],
      [`datasets-${DATASETS.lidar}`, TEMPLATES.pointCloud, 'lidar_dataset_uid'],
    ]);
    expect(apply.outputs['created-uids']?.split('\n')).toHaveLength(3);
    expect(logLines(apply)).toContain(
      'Started 3 billable projects (3 created and approved) and stopped 0; 0 unchanged, 0 skipped, 0 failed.',
    );

    fx.emu.requests.length = 0;
    const again = await run(ws, { GITHUB_EVENT_NAME: 'schedule' });
    expect(again.exitCode).toBe(0);
    expect(again.outputs).toMatchObject({ changed: 'false', created: 'false', 'created-uids': '', count: '3' });
    // One line for what needs nothing, however many: the summary and results name each.
    expect(logLines(again).filter((line) => line.startsWith('datasets/'))).toEqual([]);
    expect(logLines(again)).toContain(
      '3 datasets have their projects as wanted already: nothing to send (the summary and the results output list them).',
    );
    expect(fx.emu.calls().map((q) => q.method)).toEqual(['GET']);
  });

  it('stops first, then starts; a cancel is marked irreversible; an adopted project follows the table', async () => {
    const hand = fx.emu.addProject({ name: 'Lidar by hand', status: 'paused', task_type: 'point-cloud-annotation' });
    const ws = await checkout(BASE, DIRS);
    expect((await run(ws)).exitCode).toBe(0);
    const config = `${BASE}projects:
  ${DATASETS.street}: { status: paused }
  ${DATASETS.street2}: { status: canceled }
  ${DATASETS.lidar}: { project: ${hand.uid.toUpperCase()}, status: active }
`;
    await writeFile(join(ws, '.github/avala-projects.yml'), config);
    fx.emu.requests.length = 0;
    const plan = await run(ws, PR);
    expect(plan.exitCode, plan.stdout).toBe(0);
    expect(results(plan).map((e) => e.planned)).toEqual(['pause', 'cancel', 'resume']);
    expect(
      logLines(plan)[
        logLines(plan).indexOf(
          'Would start 1 billable project (1 resume) and stop 2 (1 pause, 1 cancel: irreversible). 0 unchanged, 0 not uploaded yet, 0 skipped, 0 failed.',
        )
      ],
    ).toBeDefined();
    const lines = plan.summary.match(/<li>.*?<\/li>/g) ?? [];
    expect(lines.map((l) => l.replace(/<[^>]+>|\([^)]*\)/g, '').trim())).toEqual([
      `Pause datasets-${DATASETS.street}  for datasets/images/${DATASETS.street}`,
      `Cancel datasets-${DATASETS.street2} : irreversible for datasets/images/${DATASETS.street2}`,
      `Resume Lidar by hand  for datasets/lidar/${DATASETS.lidar}`,
    ]);
    expect(fx.emu.calls('POST')).toEqual([]);

    // Over max-stops, given as an input for one run, nothing is sent: the plan is written, and why.
    const capped = await run(ws, {}, { 'max-stops': '1' });
    expect(capped.exitCode).toBe(1);
    expect(capped.outputs['error-code']).toBe('too-many-stops');
    expect(capped.annotations[0]?.message).toBe(
      'This run would make 1 billable start (1 to resume) (max-new-projects: 20) and 2 stops (1 to pause, 1 to cancel) (max-stops: 1), more than max-stops allows: nothing was created or changed. If the plan is right, run once with max-stops: 2 (or more), then set it back.',
    );
    expect(fx.emu.calls('POST')).toEqual([]);

    const apply = await run(ws);
    expect(apply.exitCode, apply.stdout).toBe(0);
    expect(posts().map((p) => p.replace(/^[^/]+\//, ''))).toEqual(['pause/', 'cancel/', 'resume/']);
    expect(fx.emu.projects.get(hand.uid)?.status).toBe('active');
  });
});

describe('what a plan warns of, and what it refuses', () => {
  it('reports orphans and never touches them; a pattern without {repo} looks for none', async () => {
    const orphan = fx.emu.addProject({ name: 'datasets-old-2026-w01' });
    const other = fx.emu.addProject({ name: 'another-repo-old-2026-w01' });
    const ws = await checkout(BASE, DIRS.slice(0, 1));
    const r = await run(ws);
    expect(r.exitCode, r.stdout).toBe(0);
    expect(r.outputs.orphans).toBe(orphan.uid);
    expect(r.annotations).toContainEqual(
      expect.objectContaining({ level: 'warning', title: 'Avala: orphan projects' }),
    );
    expect(fx.emu.calls('POST').some((q) => q.path.includes(orphan.uid) || q.path.includes(other.uid))).toBe(false);
    const plan = await run(ws, PR);
    expect(plan.summary).toContain(`Orphan, left as it is: <code>datasets-old-2026-w01</code>`);

    await writeFile(join(ws, '.github/avala-projects.yml'), `${BASE}orphans: ignore\n`);
    expect((await run(ws)).outputs.orphans).toBe('');
    await writeFile(join(ws, '.github/avala-projects.yml'), `${BASE}name: "batch {dataset}"\n`);
    const noRepo = await run(ws, PR);
    expect(logLines(noRepo)).toContain(
      "Orphans are not looked for: the name pattern has no {repo}, so it cannot tell this repository's projects from others.",
    );
  });

  it('warns of a matched directory that holds only directories, naming the deeper glob', async () => {
    const shallow = BASE.replace('dirs: datasets/images/*', 'dirs: datasets/*');
    const r = await run(await checkout(shallow, [`datasets/images/${DATASETS.street}`]), PR);
    expect(r.annotations).toContainEqual(
      expect.objectContaining({
        level: 'warning',
        message:
          'datasets/images holds only directories, no file: did you mean datasets/images/*? Each matched directory is one dataset.',
      }),
    );
  });

  it('warns of a template the owner does not hold, and of an owner that answers 404', async () => {
    const typo = BASE.replace(TEMPLATES.image, '770a9600-a40d-63f6-c938-668877669999');
    const r = await run(await checkout(typo, DIRS.slice(0, 1)), PR);
    expect(r.annotations).toContainEqual(
      expect.objectContaining({
        level: 'warning',
        message: expect.stringMatching(/^Template 770a9600-a40d-63f6-c938-668877669999 is not among acme's projects/),
      }),
    );
    const nobody = await run(await checkout(BASE.replace('owner: acme', 'owner: acmee'), ['datasets/images/x']), PR);
    expect(nobody.exitCode).toBe(0);
    expect(nobody.annotations).toContainEqual(
      expect.objectContaining({
        level: 'warning',
        message: expect.stringContaining("Avala answered 404 for acmee's projects"),
      }),
    );
  });

  it('fails a refused transition, an entry with nothing to clone from and an unknown adoption, and goes on with the rest', async () => {
    const ws = await checkout(BASE, DIRS.slice(0, 2));
    expect((await run(ws)).exitCode).toBe(0);
    await writeFile(
      join(ws, '.github/avala-projects.yml'),
      `${BASE}projects:
  ${DATASETS.street}: { status: archived }
  ${DATASETS.street2}: { status: paused }
  gone-2026: { status: active }
  lot-2025-w50: { project: 61e18534-a40d-63f6-c938-668877660042 }
  old-2025: { status: canceled }
`,
    );
    fx.emu.requests.length = 0;
    const r = await run(ws);
    expect(r.exitCode).toBe(1);
    expect(results(r).map((e) => [e.input, e.error_code, e.changed])).toEqual([
      [`datasets/images/${DATASETS.street}`, 'invalid-transition', false],
      [`datasets/images/${DATASETS.street2}`, null, true],
      ['projects.gone-2026', 'invalid-input', false],
      ['projects.lot-2025-w50', 'project-not-found', false],
      ['projects.old-2025', null, false],
    ]);
    expect(r.outputs['error-code']).toBe('invalid-transition');
    expect(r.annotations[0]?.message).toContain(
      'the project is active and the file asks for archived, which Avala cannot do: cancel it first: status: canceled',
    );
    expect(posts().map((p) => p.replace(/^[^/]+\//, ''))).toEqual(['pause/']);
  });

  it('refuses the inputs the file covers, and another action, before any request', async () => {
    const ws = await checkout(BASE, DIRS);
    for (const [input, value] of [
      ['template', TEMPLATES.image],
      ['owner', 'acme'],
      ['approve', 'true'],
      ['dataset-dirs', 'datasets/*'],
    ]) {
      const r = await run(ws, {}, { [input as string]: value as string });
      expect(r.exitCode).toBe(1);
      expect(r.annotations[0]?.message).toMatch(
        new RegExp(`^Invalid ${input}: with config, \\.github/avala-projects\\.yml says it`),
      );
    }
    const pause = await run(ws, {}, { action: 'pause', project: TEMPLATES.image });
    expect(pause.annotations[0]?.message).toMatch(/^Invalid action 'pause': config says what Avala should hold/);
    expect(fx.emu.calls()).toEqual([]);
  });
});

describe('what the hostile review found', () => {
  it('fails every item that reaches one project, by name and by adoption, and sends nothing for them', async () => {
    const pending = fx.emu.addProject({ name: `datasets-${DATASETS.street}`, status: 'pending-approval' });
    const config = `${BASE}projects:\n  other-slug: { project: ${pending.uid}, status: active }\n`;
    const r = await run(await checkout(config, DIRS.slice(0, 2)));
    expect(r.exitCode).toBe(1);
    expect(results(r).map((e) => [e.input, e.error_code])).toEqual([
      [`datasets/images/${DATASETS.street}`, 'invalid-input'],
      [`datasets/images/${DATASETS.street2}`, null],
      ['projects.other-slug', 'invalid-input'],
    ]);
    expect(fx.emu.calls('POST').filter((q) => q.path.includes(pending.uid))).toEqual([]);
    expect(r.annotations[0]?.message).toContain(`all reach project ${pending.uid}: a project belongs to one dataset`);
  });

  it("refuses an entry that adopts a kind's template, before any request", async () => {
    const config = `${BASE}projects:\n  bar: { project: ${TEMPLATES.pointCloud}, status: canceled }\n`;
    const r = await run(await checkout(config, DIRS));
    expect(r.annotations[0]?.message).toBe(
      `.github/avala-projects.yml:11:19: projects.bar.project: ${TEMPLATES.pointCloud} is a kind's template, which no dataset's project can be.`,
    );
    expect(fx.emu.calls()).toEqual([]);
  });

  it('an apply over a cap writes its plan too, then why it sent nothing', async () => {
    const r = await run(await checkout(BASE, DIRS), {}, { 'max-new-projects': '2' });
    expect(r.exitCode).toBe(1);
    expect(r.summary).toContain('Would start 3 billable projects (3 create and approve) and stop 0.');
    expect(logLines(r)).toContain(
      'Would start 3 billable projects (3 create and approve) and stop 0. 0 unchanged, 0 not uploaded yet, 0 skipped, 0 failed.',
    );
    expect(r.summary).toContain('<li>Create and approve <code>datasets-street-2026-w47</code>');
    expect(fx.emu.calls('POST')).toEqual([]);
  });

  it('with no directory left, still applies the entries and reports the orphans; a failed listing leaves them unknown', async () => {
    const ws = await checkout(BASE, DIRS.slice(0, 1));
    expect((await run(ws)).exitCode).toBe(0);
    await rm(join(ws, 'datasets'), { recursive: true });
    const gone = await run(ws);
    expect(gone.annotations.map((a) => a.title)).toEqual(['Avala: no dataset directory', 'Avala: orphan projects']);
    expect(gone.outputs.orphans).toMatch(/^[0-9a-f-]{36}$/);
    await writeFile(
      join(ws, '.github/avala-projects.yml'),
      `${BASE}projects:\n  ${DATASETS.street}: { status: canceled }\n`,
    );
    const ended = await run(ws);
    expect(ended.exitCode, ended.stdout).toBe(0);
    expect(results(ended).map((e) => [e.input, e.changed])).toEqual([[`projects.${DATASETS.street}`, true]]);
    expect(posts().at(-1)).toMatch(/\/cancel\/$/);
    fx.emu.inject({ method: 'GET', path: '/projects/acme/', fault: { kind: 'status', status: 500 } });
    const unknown = await run(ws, {}, { retries: '0' });
    expect(unknown.outputs.orphans).toBeUndefined();
    expect(unknown.annotations.map((a) => a.title)).toContain('Avala orphans unknown');
  });
});

describe('a refusal of one call', () => {
  it('a plan the account lacks stops the later approvals only: the stop before them is sent, the rest are not tried', async () => {
    const owner = 'basicco';
    const template = '770a9600-a40d-63f6-c938-668877620000';
    for (const [name, status] of [
      ['datasets-a', 'pending-approval'],
      ['datasets-b', 'pending-approval'],
      ['datasets-c', 'active'],
    ]) {
      fx.emu.addProject({ name: name as string, status: status as string, owner_name: owner });
    }
    const config = `owner: ${owner}\napprove: true\nkinds:\n  - dirs: datasets/*\n    data-type: image\n    template: ${template}\nprojects:\n  c: { status: paused }\n`;
    const ws = await checkout(config, ['datasets/a', 'datasets/b', 'datasets/c']);
    const r = await fx.run({ config: '.github/avala-projects.yml' }, { GITHUB_WORKSPACE: ws }, KEYS.basic);
    expect(r.exitCode).toBe(1);
    expect(results(r).map((e) => [e.input, e.error_code, e.changed])).toEqual([
      ['datasets/a', 'plan_insufficient', false],
      ['datasets/b', 'not-tried', false],
      ['datasets/c', null, true],
    ]);
    expect(posts().map((p) => p.replace(/^[^/]+\//, ''))).toEqual(['pause/', 'approve/']);
  });
});

describe('mode', () => {
  it('auto applies on the default branch and on schedule, and plans elsewhere, saying why', async () => {
    const ws = await checkout(BASE, DIRS.slice(0, 1));
    const branch = await run(ws, { GITHUB_REF: 'refs/heads/feature' });
    expect(results(branch)[0]?.planned).toBe('create');
    expect(branch.annotations).toContainEqual(
      expect.objectContaining({
        level: 'notice',
        message: expect.stringContaining('mode auto plans: refs/heads/feature is not the default branch main'),
      }),
    );
    const noPayload = await run(ws, { GITHUB_EVENT_PATH: join(ws, 'nothing.json') });
    expect(noPayload.annotations[0]?.message).toContain('the event payload does not say the default branch');
    expect(fx.emu.calls('POST')).toEqual([]);
    expect((await run(ws, {}, { mode: 'plan' })).outputs.created).toBe('false');
    expect((await run(ws, {}, { mode: 'apply', 'dry-run': 'true' })).outputs.created).toBe('false');
    expect(fx.emu.calls('POST')).toEqual([]);
    expect((await run(ws, { GITHUB_EVENT_NAME: 'workflow_dispatch' })).outputs.created).toBe('true');
  });
});

describe('waits overlap', () => {
  it('reads every dataset not ready in one round, so two datasets cost one wait', async () => {
    const a = fx.emu.datasets.add({ slug: 'fresh-a', status: 'creating', readsLeft: 2 });
    const b = fx.emu.datasets.add({ slug: 'fresh-b', status: 'creating', readsLeft: 2 });
    const config = BASE.replace('approve: true', 'approve: false\nwait-for-dataset: 30');
    const r = await run(await checkout(config, ['datasets/images/fresh-a', 'datasets/images/fresh-b']));
    expect(r.exitCode, r.stdout).toBe(0);
    expect(logLines(r).filter((l) => l.includes('not created yet'))).toEqual([
      '2 datasets are not created yet; reading them again in 1.0 s',
    ]);
    expect(fx.emu.calls('GET', `/api/v1/datasets/${a.uid}/`)).toHaveLength(1);
    expect(fx.emu.calls('GET', `/api/v1/datasets/${b.uid}/`)).toHaveLength(1);
    expect(r.outputs['created-uids']?.split('\n')).toHaveLength(2);
  });

  it('for a clone of several datasets by input too, looking the projects up once and waiting for the new ones only', async () => {
    fx.emu.datasets.add({ slug: 'fresh-c', status: 'creating', readsLeft: 2 });
    fx.emu.datasets.add({ slug: 'fresh-d', status: 'creating', readsLeft: 2 });
    const inputs = {
      template: TEMPLATES.image,
      dataset: 'acme/fresh-c, acme/fresh-d',
      owner: 'acme',
      'wait-for-dataset': '30',
    };
    const r = await fx.run(inputs);
    expect(r.exitCode, r.stdout).toBe(0);
    expect(logLines(r).filter((l) => l.includes('not created yet'))).toEqual([
      '2 datasets are not created yet; reading them again in 1.0 s',
    ]);
    expect(r.outputs['created-uids']?.split('\n')).toHaveLength(2);
    // A key refused while waiting is the first item's failure, the rest not tried, every item in results.
    fx.emu.inject({ method: 'GET', path: '/projects/acme/', fault: { kind: 'status', status: 401 } });
    const refused = await fx.run(inputs);
    expect(refused.exitCode).toBe(1);
    expect(JSON.parse(refused.outputs.results ?? '[]').map((e: Entry) => e.error_code)).toEqual([
      'http-401',
      'not-tried',
    ]);
    fx.emu.clearFaults();
    fx.emu.requests.length = 0;
    const again = await fx.run(inputs);
    expect(again.outputs.changed).toBe('false');
    expect(fx.emu.calls().map((q) => q.path.replace(/\?.*/, ''))).toEqual([
      '/api/v1/projects/acme/',
      '/api/v1/projects/acme/',
    ]);
  });
});

describe('as a process', () => {
  it('plans a pull request from its event, the way the runner runs the step', async () => {
    const ws = await checkout(BASE, DIRS.slice(0, 1));
    const r = await fx.runProcess({ config: '.github/avala-projects.yml' }, { GITHUB_WORKSPACE: ws, ...PR });
    expect(r.exitCode, r.stderr).toBe(0);
    expect(results(r).map((e) => e.planned)).toEqual(['create']);
    expect(r.outputs['missing-datasets']).toBe('');
    expect(fx.emu.calls('POST')).toEqual([]);
  });
});
