/**
 * The action's run() in process, with the runner's environment and its writes
 * read back as the runner reads them, against the emulator: every action and
 * each class of error. faults.test.ts runs the action as a process.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { COMPLETED_PROJECT, DATASET, KEYS, TEMPLATES } from '../emulator/seed.ts';
import { type Emulator, startEmulator } from '../emulator/server.ts';
import { ACTIONS } from '../src/actions/registry.ts';
import { logLines, runInProcess } from './support/run-action.ts';

/** A slice UID in the documented 8-4-4-4-12 layout. */
const SLICE = '990c1800-c62f-85h8-e150-880099880001';

let emu: Emulator;
beforeAll(async () => {
  emu = await startEmulator({ rateLimit: false });
});
afterAll(() => emu.close());
beforeEach(() => emu.reset());

const run = (inputs: Record<string, string>, key: string = KEYS.pro) =>
  runInProcess({ 'base-url': emu.url, 'api-key': key, ...inputs });

function body(method: string, path: string): unknown {
  const calls = emu.calls(method, path);
  expect(calls).toHaveLength(1);
  return JSON.parse(calls[0]?.body ?? 'null');
}

describe('clone', () => {
  it('sends the body the API expects, only the dataset fields given, and sets the outputs', async () => {
    const r = await run({ template: TEMPLATES.image, dataset: DATASET, 'copy-collaborators': 'false' });
    expect(r.exitCode).toBe(0);
    expect(body('POST', '/create-from-existing/')).toEqual({
      source_project_uid: TEMPLATES.image,
      name: 'datasets-4f2c9a1',
      copy_collaborators: false,
      image_dataset_uid: DATASET,
    });
    const [project] = emu.projectsOf('acme').filter((p) => p.name === 'datasets-4f2c9a1');
    expect(r.outputs).toMatchObject({
      uid: project?.uid,
      name: 'datasets-4f2c9a1',
      status: 'pending-approval',
      'task-type': 'image-annotation',
      owner: 'acme',
      visibility: 'private',
      created: 'true',
      changed: 'true',
    });
    expect(JSON.parse(r.outputs.project ?? '')).toMatchObject({ uid: project?.uid, status: 'pending-approval' });
    expect(emu.requests).toHaveLength(1);
    expect(emu.requests[0]?.headers['user-agent']).toBe('avala-projects-action/1.0.0');
    expect(emu.requests[0]?.headers['x-avala-api-key']).toBe(KEYS.pro);
    expect(emu.requests[0]?.headers['content-type']).toBe('application/json');
  });

  it('attaches a slice or a LiDAR dataset alone', async () => {
    await run({ template: TEMPLATES.pointCloud, slice: SLICE, name: 'Sliced' });
    expect(body('POST', '/create-from-existing/')).toEqual({
      source_project_uid: TEMPLATES.pointCloud,
      name: 'Sliced',
      copy_collaborators: true,
      slice_uid: SLICE,
    });
    emu.reset();
    const r = await run({ template: TEMPLATES.pointCloud, 'lidar-dataset': DATASET, name: 'Lidar' });
    expect(body('POST', '/create-from-existing/')).toEqual({
      source_project_uid: TEMPLATES.pointCloud,
      name: 'Lidar',
      copy_collaborators: true,
      lidar_dataset_uid: DATASET,
    });
    expect(r.outputs['task-type']).toBe('point-cloud-annotation');
  });

  it('refuses a bare slug in dataset before any request, with a hint to write owner/slug', async () => {
    const r = await run({ template: TEMPLATES.image, dataset: 'street-2026-w47' });
    expect(r.exitCode).toBe(1);
    expect(r.outputs['error-code']).toBe('invalid-input');
    expect(r.annotations[0]?.message).toBe(
      'Invalid dataset "street-2026-w47": a dataset is a UID (8-4-4-4-12) or owner/slug. For the slug street-2026-w47, write owner/street-2026-w47, such as acme/street-2026-w47.',
    );
    expect(emu.requests).toEqual([]);
  });

  it('says which of the template and the dataset Avala could not find, when the dataset was just read', async () => {
    const missing = '770a9600-a40d-63f6-c938-668877669999';
    const read = await run({ template: missing, dataset: 'acme/street-2026-w47', name: 'No template' });
    expect(read.outputs['error-code']).toBe('http-404');
    expect(read.annotations[0]?.message).toContain(
      `Avala has no template ${missing} that this key can see (dataset ${DATASET} exists: it was read just before)`,
    );
    const unread = await run({ template: missing, dataset: DATASET, name: 'No template' });
    expect(unread.annotations[0]?.message).toContain(
      `Avala has no template ${missing}, or no dataset or slice ${DATASET}, that this key can see`,
    );
  });

  it('approves the new project when asked, with one approve call', async () => {
    const r = await run({ template: TEMPLATES.image, name: 'Batch 1', approve: 'true', dataset: DATASET });
    expect(r.exitCode).toBe(0);
    expect(r.outputs).toMatchObject({ status: 'active', created: 'true', changed: 'true' });
    expect(emu.requests.map((q) => q.method + q.path.replace(/[0-9a-f-]{36}/, 'UID'))).toEqual([
      'POST/api/v1/projects/create-from-existing/',
      'POST/api/v1/projects/UID/approve/',
    ]);
    expect(emu.projects.get(r.outputs.uid ?? '')?.status).toBe('active');
  });

  it('reuses the project a re-run finds by owner and exact name', async () => {
    emu.addProjects('acme', 3, 'Batch 7'); // "Batch 7 00001"…: the API's filter matches them too, the name does not
    const first = await run({
      template: TEMPLATES.image,
      name: 'Batch 7',
      owner: 'acme',
      approve: 'true',
      dataset: DATASET,
    });
    expect(first.outputs).toMatchObject({ created: 'true', changed: 'true', status: 'active' });
    emu.requests.length = 0;

    const again = await run({
      template: TEMPLATES.image,
      name: 'Batch 7',
      owner: 'acme',
      approve: 'true',
      dataset: DATASET,
    });
    expect(again.exitCode).toBe(0);
    expect(again.outputs).toMatchObject({
      uid: first.outputs.uid,
      created: 'false',
      changed: 'false',
      status: 'active',
    });
    expect(emu.calls('POST')).toHaveLength(0);
    expect(emu.calls('GET')[0]?.path).toBe('/api/v1/projects/acme/?name=Batch+7&limit=100');
    expect(emu.projectsOf('acme').filter((p) => p.name === 'Batch 7')).toHaveLength(1);
    // Found done is an info line: annotations are kept for what needs a person.
    expect(again.annotations).toEqual([]);
    expect(logLines(again)).toContainEqual(expect.stringMatching(/^Reusing project "Batch 7" \(/));
  });

  it('approves a reused project that is still pending approval', async () => {
    await run({ template: TEMPLATES.image, name: 'Later', owner: 'acme' });
    const r = await run({ template: TEMPLATES.image, name: 'Later', owner: 'acme', approve: 'true', dataset: DATASET });
    expect(r.outputs).toMatchObject({ created: 'false', changed: 'true', status: 'active' });
    expect(emu.calls('POST', '/approve/')).toHaveLength(1);
  });

  it('fails when the project exists and if-exists is fail, sending no clone', async () => {
    await run({ template: TEMPLATES.image, name: 'Taken', owner: 'acme' });
    const r = await run({ template: TEMPLATES.image, name: 'Taken', owner: 'acme', 'if-exists': 'fail' });
    expect(r.exitCode).toBe(1);
    expect(r.outputs['error-code']).toBe('already-exists');
    expect(r.annotations[0]?.message).toMatch(
      /^Project "Taken" already exists for owner acme \(uid [0-9a-f-]{36}, pending-approval\)/,
    );
    expect(emu.calls('POST')).toHaveLength(1);
  });

  it('works for an owner whose name is an e-mail address', async () => {
    const r = await run(
      { template: '770a9600-a40d-63f6-c938-668877670000', name: 'Mail', owner: 'dev@acme.com' },
      KEYS.email,
    );
    expect(r.exitCode).toBe(0);
    expect(emu.calls('GET')[0]?.path).toBe('/api/v1/projects/dev%40acme.com/?name=Mail&limit=100');
    expect(r.outputs.owner).toBe('dev@acme.com');
  });

  it('in a dry run sends only reads and logs the clone it would send', async () => {
    const r = await run({
      template: TEMPLATES.image,
      name: 'Dry',
      owner: 'acme',
      approve: 'true',
      'dry-run': 'true',
      dataset: DATASET,
    });
    expect(r.exitCode).toBe(0);
    expect(emu.requests.map((q) => q.method)).toEqual(['GET']);
    expect(logLines(r)).toContain(
      `Dry run: would send POST /api/v1/projects/create-from-existing/ {"source_project_uid":"${TEMPLATES.image}","name":"Dry","copy_collaborators":true,"image_dataset_uid":"${DATASET}"}`,
    );
    expect(r.outputs).toMatchObject({ created: 'false', changed: 'false' });
  });
});

describe('status changes', () => {
  it('walks approve → pause → resume → cancel → archive, each changing the project once', async () => {
    const cloned = await run({ template: TEMPLATES.video, name: 'Lifecycle' });
    const uid = cloned.outputs.uid ?? '';
    for (const [action, status] of [
      ['approve', 'active'],
      ['pause', 'paused'],
      ['resume', 'active'],
      ['cancel', 'canceled'],
      ['archive', 'archived'],
    ]) {
      const r = await run({ action: action as string, project: uid });
      expect(r.exitCode, r.stdout).toBe(0);
      expect(r.outputs).toMatchObject({ uid, status, changed: 'true', 'task-type': 'video-annotation' });
      expect(emu.projects.get(uid)?.status).toBe(status);
      expect(emu.requests.at(-1)?.path).toBe(`/api/v1/projects/${uid}/${action}/`);
    }
    expect(emu.calls('POST', '/approve/')).toHaveLength(1);
  });

  it('archives a project the platform completed', async () => {
    const r = await run({ action: 'archive', project: COMPLETED_PROJECT });
    expect(r.outputs).toMatchObject({ status: 'archived', changed: 'true' });
  });

  it('succeeds with a notice when owner confirms the project is already in the target status', async () => {
    await run({ action: 'pause', project: TEMPLATES.image });
    const r = await run({ action: 'pause', project: TEMPLATES.image, owner: 'acme' });
    expect(r.exitCode).toBe(0);
    expect(r.outputs).toMatchObject({ status: 'paused', changed: 'false', uid: TEMPLATES.image });
    expect(r.annotations).toContainEqual({
      level: 'notice',
      title: 'Avala project already paused',
      message: `Project "Template: image-annotation" (${TEMPLATES.image}, paused) is already paused: nothing to do.`,
    });
  });

  it('fails a refused transition with the current status and what it allows, when owner lets it look', async () => {
    const r = await run({ action: 'archive', project: TEMPLATES.image, owner: 'acme' });
    expect(r.exitCode).toBe(1);
    expect(r.outputs['error-code']).toBe('http-400');
    expect(r.annotations[0]?.message).toBe(
      `Avala API responded 400: Cannot archive a project with status active. archive needs a project that is completed or canceled, and it is active; from active the allowed actions are: pause, cancel (POST /api/v1/projects/${TEMPLATES.image}/archive/)`,
    );
  });

  it('fails a refused transition without owner, saying how to let it check', async () => {
    const r = await run({ action: 'resume', project: TEMPLATES.image });
    expect(r.exitCode).toBe(1);
    expect(r.annotations[0]?.message).toContain(
      "resume needs a project that is paused; set owner to let the action check the project's status",
    );
  });

  it('in a dry run reports the current status and sends no change', async () => {
    const r = await run({ action: 'cancel', project: TEMPLATES.image, owner: 'acme', 'dry-run': 'true' });
    expect(r.exitCode).toBe(0);
    expect(emu.calls('POST')).toHaveLength(0);
    expect(logLines(r)).toContain(`Dry run: would send POST /api/v1/projects/${TEMPLATES.image}/cancel/`);
    expect(r.outputs).toMatchObject({ status: 'active', changed: 'false' });
    expect(emu.projects.get(TEMPLATES.image)?.status).toBe('active');
  });
});

describe('list', () => {
  it("lists an owner's projects into outputs and a file", async () => {
    const r = await run({ action: 'list', owner: 'acme' });
    expect(r.exitCode).toBe(0);
    const projects = JSON.parse(r.outputs.projects ?? '') as Array<{ uid: string }>;
    expect(projects.map((p) => p.uid).sort()).toEqual(
      emu
        .projectsOf('acme')
        .map((p) => p.uid)
        .sort(),
    );
    expect(r.outputs.count).toBe(String(projects.length));
    expect(r.outputs.uid).toBeUndefined();
    expect(r.everything).toContain(r.outputs.projects);
  });

  it('gives every project the same fields on every path: listed, created, changed (rule 32)', async () => {
    const { projectFields } = JSON.parse(
      readFileSync(new URL('./fixtures/contract.json', import.meta.url), 'utf8'),
    ) as { projectFields: string[] };
    const made = await run({ template: TEMPLATES.image, dataset: DATASET, name: 'Shape', owner: 'acme' });
    const approved = await run({ action: 'approve', project: made.outputs.uid ?? '' });
    const listed = await run({ action: 'list', owner: 'acme', name: 'Shape' });
    for (const r of [made, approved, listed]) {
      expect(Object.keys(JSON.parse(r.outputs.project ?? '{}')), r.outputs.project).toEqual(projectFields);
    }
  });

  it('follows next across pages up to limit over one connection', async () => {
    emu.addProjects('acme', 250);
    const r = await run({ action: 'list', owner: 'acme', limit: '230', ordering: 'name' });
    const projects = JSON.parse(r.outputs.projects ?? '') as Array<{ name: string }>;
    expect(projects).toHaveLength(230);
    expect(projects[0]?.name).toBe('Bulk 00001');
    expect(projects[229]?.name).toBe('Bulk 00230');
    const gets = emu.calls('GET');
    expect(gets.map((q) => q.path.replace(/cursor=[^&]+/, 'cursor=C'))).toEqual([
      '/api/v1/projects/acme/?ordering=name&limit=100',
      '/api/v1/projects/acme/?ordering=name&limit=100&cursor=C',
      '/api/v1/projects/acme/?ordering=name&limit=100&cursor=C',
    ]);
    expect(new Set(gets.map((q) => q.connection)).size).toBe(1);
  });

  it("leaves a list over GitHub's 1 MB output limit to projects-file, with a warning", async () => {
    emu.addProjects('acme', 2500);
    const r = await run({ action: 'list', owner: 'acme', limit: '5000' });
    expect(r.exitCode).toBe(0);
    expect(r.outputs.count).toBe('2506');
    expect(r.outputs.projects).toBeUndefined();
    expect(r.annotations).toContainEqual({
      level: 'warning',
      title: 'Avala projects output too large',
      message:
        'The list of 2506 projects is larger than the 1 MB GitHub allows an output, so the projects output is not set: read projects-file instead.',
    });
    // Every project is in the file, which run-action reads into everything.
    expect(r.everything.match(/"uid":/g)).toHaveLength(2506);
  });

  it('sets the project outputs when exactly one project matches', async () => {
    const r = await run({ action: 'list', owner: 'acme', name: 'Finished' });
    expect(r.outputs).toMatchObject({
      count: '1',
      uid: COMPLETED_PROJECT,
      status: 'completed',
      name: 'Finished batch',
    });
    expect(emu.calls('GET')[0]?.path).toBe('/api/v1/projects/acme/?name=Finished&limit=100');
  });

  it('writes the projects-file under RUNNER_TEMP', async () => {
    const r = await runInProcess({
      'base-url': emu.url,
      'api-key': KEYS.pro,
      action: 'list',
      owner: 'acme',
      limit: '2',
    });
    expect(r.outputs['projects-file']).toMatch(/avala-action-.*\/avala-projects-.*\.json$/);
    expect(r.everything.split(r.outputs.projects ?? 'x').length).toBeGreaterThan(2);
  });
});

describe('errors', () => {
  const failed = async (inputs: Record<string, string>, key?: string) => {
    const r = await run(inputs, key);
    expect(r.exitCode).toBe(1);
    const errors = r.annotations.filter((a) => a.level === 'error');
    expect(errors).toHaveLength(1);
    expect(errors[0]?.message).not.toContain('\n');
    return { ...r, error: errors[0] as { title?: string; message: string } };
  };

  it('401: an invalid key', async () => {
    const r = await failed({ action: 'list', owner: 'acme' }, 'avk_wrong');
    expect(r.outputs['error-code']).toBe('http-401');
    expect(r.error).toEqual({
      level: 'error',
      title: 'Avala list failed',
      message: 'Avala API responded 401: Invalid API key. (GET /api/v1/projects/acme/?limit=100)',
    });
  });

  it('403 plan_insufficient: approving on the BASIC plan, with the doc link in message and summary', async () => {
    const r = await failed({ action: 'approve', project: '770a9600-a40d-63f6-c938-668877620000' }, KEYS.basic);
    expect(r.outputs['error-code']).toBe('plan_insufficient');
    expect(r.error.message).toBe(
      'Avala API responded 403 plan_insufficient: Project approval requires a PRO or ENTERPRISE plan. (POST /api/v1/projects/770a9600-a40d-63f6-c938-668877620000/approve/). See https://docs.avala.ai/api/errors#plan_insufficient',
    );
    expect(r.summary).toContain('href="https://docs.avala.ai/api/errors#plan_insufficient"');
    expect(r.summary).toContain('<code>plan_insufficient</code>');
  });

  it('a clone whose approve is refused still hands on the new project', async () => {
    const r = await failed(
      { template: '770a9600-a40d-63f6-c938-668877620000', name: 'Basic', approve: 'true', dataset: DATASET },
      KEYS.basic,
    );
    expect(r.outputs['error-code']).toBe('plan_insufficient');
    const [project] = emu.projectsOf('basicco').filter((p) => p.name === 'Basic');
    expect(r.outputs).toMatchObject({
      uid: project?.uid,
      status: 'pending-approval',
      created: 'true',
      changed: 'true',
    });
    expect(r.error.message).toContain(
      `Project "Basic" (${project?.uid}, pending-approval) was created but not approved`,
    );
  });

  it('403 scope_required: a key without projects.write', async () => {
    const r = await failed({ action: 'approve', project: '770a9600-a40d-63f6-c938-668877610000' }, KEYS.noScope);
    expect(r.outputs['error-code']).toBe('scope_required');
  });

  it('403 without a code: a coworker may not clone', async () => {
    const r = await failed({ template: TEMPLATES.image, name: 'x' }, KEYS.coworker);
    expect(r.outputs['error-code']).toBe('http-403');
    expect(r.error.message).toContain('You do not have permission to perform this action.');
  });

  it('404: a project that does not exist or is not ours', async () => {
    const r = await failed({ action: 'pause', project: '00000000-0000-0000-0000-000000000000' });
    expect(r.outputs['error-code']).toBe('http-404');
    expect(r.error.message).toBe(
      'Avala API responded 404: Not found. (POST /api/v1/projects/00000000-0000-0000-0000-000000000000/pause/)',
    );
  });

  it('409: a duplicate name without owner to find it first', async () => {
    await run({ template: TEMPLATES.image, name: 'Twice' });
    const r = await failed({ template: TEMPLATES.image, name: 'Twice' });
    expect(r.outputs['error-code']).toBe('http-409');
    expect(r.error.message).toContain('A project with this name already exists.');
    expect(emu.projectsOf('acme').filter((p) => p.name === 'Twice')).toHaveLength(1);
  });

  it('400 field errors, flattened', async () => {
    const r = await failed({ template: '770a9600-a40d-63f6-c938-668877699999', name: 'x' });
    expect(r.outputs['error-code']).toBe('http-404');
    emu.inject({
      method: 'POST',
      fault: { kind: 'status', status: 400, body: { detail: { name: ['This field is required.'] } } },
    });
    const field = await failed({ template: TEMPLATES.image, name: 'x' });
    expect(field.error.message).toBe(
      'Avala API responded 400: name: This field is required. (POST /api/v1/projects/create-from-existing/)',
    );
  });

  it('bad input fails before any request, naming the input', async () => {
    const r = await failed({ action: 'aprove', project: TEMPLATES.image });
    expect(r.outputs['error-code']).toBe('invalid-input');
    expect(r.error).toEqual({
      level: 'error',
      title: 'Avala action: invalid input',
      message: `Invalid action "aprove". Expected one of: ${ACTIONS.join(', ')}.`,
    });
    expect(emu.requests).toHaveLength(0);
  });

  it('writes a summary of what failed', async () => {
    const r = await failed({ action: 'pause', project: '00000000-0000-0000-0000-000000000000' });
    expect(r.summary).toContain('<h3>❌ Avala pause failed</h3>');
    expect(r.summary).toContain('<code>http-404</code>');
  });
});

describe('job summary', () => {
  it('says what was done and lists the project and the requests', async () => {
    const r = await run({ template: TEMPLATES.image, name: 'Summary <b>', approve: 'true', dataset: DATASET });
    expect(r.summary).toContain('<h3>✅ Avala: clone template');
    expect(r.summary).toContain('Created project <code>&#34;Summary &#60;b&#62;&#34;</code>');
    expect(r.summary).toMatch(
      /<td><code>[0-9a-f-]{36}<\/code><\/td><td><code>Summary &#60;b&#62;<\/code><\/td><td><code>active<\/code><\/td><td><code>image-annotation<\/code><\/td><td><code>acme<\/code><\/td>/,
    );
    expect(r.summary).toContain('<summary>Requests (2)</summary>');
  });
});
