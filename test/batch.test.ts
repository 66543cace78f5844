/** Several datasets or projects in one step, against the emulator: items, slugs, readiness, partial failures, pacing. */
import { describe, expect, it } from 'vitest';
import { DATASET, DATASETS, KEYS, SLICE, TEMPLATES } from '../emulator/seed.ts';
import { startEmulator } from '../emulator/server.ts';
import { useEmulator } from './support/fixtures.ts';
import { type ActionRun, logLines, runAction, runInProcess } from './support/run-action.ts';

const fx = useEmulator();
const run = (inputs: Record<string, string>, key?: string) => fx.run(inputs, {}, key);
const results = (r: ActionRun) =>
  JSON.parse(r.outputs.results ?? '[]') as Array<{
    input: string;
    dataset_uid: string | null;
    project: { uid: string; name: string; status: string } | null;
    created: boolean;
    changed: boolean;
    error_code: string | null;
    error: string | null;
  }>;
const uidOf = (slug: string) => [...fx.emu.datasets.byUid.values()].find((d) => d.slug === slug)?.uid;
const street = `acme/${DATASETS.street}`;
const street2 = `acme/${DATASETS.street2}`;

describe('clone onto several datasets', () => {
  it('makes one project per dataset, by slug, in input order, each reference resolved once', async () => {
    const r = await run({ template: TEMPLATES.image, dataset: `${street}\n${street2}, ${street}`, owner: 'acme' });
    expect(r.exitCode, r.stdout).toBe(0);
    const entries = results(r);
    expect(entries.map((e) => [e.input, e.dataset_uid, e.project?.name, e.created, e.error_code])).toEqual([
      [street, DATASET, `datasets-${DATASETS.street}`, true, null],
      [street2, uidOf(DATASETS.street2), `datasets-${DATASETS.street2}`, true, null],
    ]);
    expect(r.outputs).toMatchObject({ count: '2', failed: '0', created: 'true', changed: 'true' });
    expect(r.outputs.uids?.split('\n')).toEqual(entries.map((e) => e.project?.uid));
    expect(r.outputs.uid).toBeUndefined();
    expect(fx.emu.calls('POST').map((q) => JSON.parse(q.body).image_dataset_uid)).toEqual([
      DATASET,
      uidOf(DATASETS.street2),
    ]);
    expect(fx.emu.calls('GET', '/datasets/')).toHaveLength(2);
    expect(r.summary).toContain('<th>Dataset or project</th>');
    expect(logLines(r)).toContain(
      `Cloned template ${TEMPLATES.image} onto 2 datasets: 2 created, 0 existing, 0 failed.`,
    );
  });

  it('a slice by slug and a LiDAR dataset go into their own fields', async () => {
    await run({ template: TEMPLATES.pointCloud, slice: `acme/${SLICE.slug}`, name: 'Sliced' });
    await run({ template: TEMPLATES.pointCloud, 'lidar-dataset': `acme/${DATASETS.lidar}`, name: 'Lidar' });
    expect(fx.emu.calls('POST').map((q) => JSON.parse(q.body))).toMatchObject([
      { name: 'Sliced', slice_uid: SLICE.uid },
      { name: 'Lidar', lidar_dataset_uid: uidOf(DATASETS.lidar) },
    ]);
  });

  it('a partial failure fails the step and keeps what was done; a re-run finishes it, repeating nothing', async () => {
    const inputs = {
      template: TEMPLATES.image,
      dataset: `${street}\nacme/late-2026-w47\n${street2}`,
      owner: 'acme',
      approve: 'true',
    };
    const first = await run(inputs);
    expect(first.exitCode).toBe(1);
    expect(first.outputs).toMatchObject({ failed: '1', count: '2', 'error-code': 'dataset-not-found' });
    expect(results(first).map((e) => [e.input, e.project?.status ?? null, e.error_code])).toEqual([
      [street, 'active', null],
      ['acme/late-2026-w47', null, 'dataset-not-found'],
      [street2, 'active', null],
    ]);
    expect(first.annotations.filter((a) => a.level === 'error')).toEqual([
      {
        level: 'error',
        title: 'Avala clone failed: acme/late-2026-w47',
        message: 'Dataset acme/late-2026-w47 not found.',
      },
    ]);
    expect(first.summary).toContain('dataset-not-found: Dataset acme/late-2026-w47 not found.');

    fx.emu.datasets.add({ slug: 'late-2026-w47' });
    fx.emu.requests.length = 0;
    const again = await run(inputs);
    expect(again.exitCode, again.stdout).toBe(0);
    expect(results(again).map((e) => [e.created, e.changed])).toEqual([
      [false, false],
      [true, true],
      [false, false],
    ]);
    expect(fx.emu.calls('POST').map((q) => q.path.replace(/[0-9a-f-]{36}/, 'UID'))).toEqual([
      '/api/v1/projects/create-from-existing/',
      '/api/v1/projects/UID/approve/',
    ]);
    expect(fx.emu.projectsOf('acme').filter((p) => p.name.startsWith('datasets-'))).toHaveLength(3);
  });

  it('a failure that would fail every item stops the run at once and marks the rest not tried', async () => {
    const dataset = uids(3).join(',');
    const r = await run({ template: '770a9600-a40d-63f6-c938-668877620000', dataset, approve: 'true' }, KEYS.basic);
    expect(r.exitCode).toBe(1);
    expect(r.outputs).toMatchObject({ 'error-code': 'plan_insufficient', failed: '3', count: '1' });
    expect(results(r).map((e) => e.error_code)).toEqual(['plan_insufficient', 'not-tried', 'not-tried']);
    expect(fx.emu.calls('POST', '/create-from-existing/')).toHaveLength(1);
    expect(r.annotations.filter((a) => a.level === 'error').map((a) => a.title)).toEqual([
      `Avala clone failed: ${uids(1)[0]}`,
      'Avala clone stopped',
    ]);
  });

  it('waits for the datasets together, and fails one that never is without cloning onto it', async () => {
    fx.emu.datasets.add({ slug: 'soon', status: 'creating', readsLeft: 2 });
    fx.emu.datasets.add({ slug: 'never', status: 'creating' });
    const r = await run({ template: TEMPLATES.image, dataset: 'acme/soon,acme/never', 'wait-for-dataset': '1' });
    expect(r.exitCode).toBe(1);
    expect(results(r).map((e) => [e.input, e.created, e.error_code])).toEqual([
      ['acme/soon', true, null],
      ['acme/never', false, 'dataset-not-ready'],
    ]);
    expect(fx.emu.datasets.reads.get(uidOf('soon') ?? '')).toBe(2);
    expect(fx.emu.datasets.reads.get(uidOf('never') ?? '')).toBe(2);
    expect(fx.emu.calls('POST')).toHaveLength(1);
    // One round reads both (rule 40): wait-for-dataset bounds the run's wait, not each dataset's.
    expect(logLines(r).filter((line) => line.includes('not created yet'))).toEqual([
      '2 datasets are not created yet; reading them again in 1.0 s',
    ]);
  });

  it('without wait-for-dataset, a dataset found not ready earns a warning and no extra read', async () => {
    fx.emu.datasets.add({ slug: 'fresh', status: 'creating' });
    const r = await run({ template: TEMPLATES.image, dataset: 'acme/fresh', name: 'Fresh' });
    expect(r.exitCode).toBe(0);
    expect(r.annotations).toContainEqual(
      expect.objectContaining({ level: 'warning', title: 'Avala dataset not ready' }),
    );
    expect(fx.emu.calls('GET', '/datasets/')).toHaveLength(1);
  });

  it('checks every name before any request', async () => {
    const r = await run({ template: TEMPLATES.image, dataset: `${street},${street2}`, name: 'Same' });
    expect(r.outputs['error-code']).toBe('invalid-input');
    expect(fx.emu.requests).toHaveLength(0);
  });
});

describe('several projects and lists by status', () => {
  it('a nightly archive: list what is completed or canceled, then archive those uids', async () => {
    fx.emu.setStatus(TEMPLATES.video, 'canceled');
    const list = await run({ action: 'list', owner: 'acme', status: 'completed,canceled' });
    expect(list.outputs.uids?.split('\n').sort()).toEqual(
      fx.emu
        .projectsOf('acme')
        .filter((p) => p.status === 'completed' || p.status === 'canceled')
        .map((p) => p.uid)
        .sort(),
    );
    const archive = await run({ action: 'archive', project: list.outputs.uids ?? '' });
    expect(archive.exitCode, archive.stdout).toBe(0);
    expect(archive.outputs).toMatchObject({ failed: '0', count: '2', changed: 'true' });
    expect(results(archive).map((e) => e.project?.status)).toEqual(['archived', 'archived']);
  });

  it('each project of a status change is tried, one failing', async () => {
    const r = await run({
      action: 'pause',
      project: `${TEMPLATES.image}\n00000000-0000-0000-0000-000000000000\n${TEMPLATES.video}`,
    });
    expect(r.exitCode).toBe(1);
    expect(results(r).map((e) => [e.input, e.changed, e.error_code])).toEqual([
      [TEMPLATES.image, true, null],
      ['00000000-0000-0000-0000-000000000000', false, 'http-404'],
      [TEMPLATES.video, true, null],
    ]);
    expect(r.outputs['error-code']).toBe('http-404');
  });
});

describe('pacing', () => {
  it('keeps to the API’s limit without a single 429', async () => {
    const limited = await startEmulator({ rateLimit: { limit: 4, windowMs: 1000 } });
    try {
      const r = await runInProcess({
        'base-url': limited.url,
        'api-key': KEYS.pro,
        template: TEMPLATES.image,
        dataset: uids(3).join(','),
        owner: 'acme',
      });
      expect(r.exitCode, r.stdout).toBe(0);
      expect(limited.calls()).toHaveLength(6);
      expect(limited.calls().filter((q) => q.status === 429)).toEqual([]);
      expect(logLines(r).filter((l) => l.startsWith('Rate limit reached')).length).toBeGreaterThan(0);
    } finally {
      await limited.close();
    }
  });
});

describe('as a process', () => {
  it('writes multi-line uids and the results through the runner’s output file', async () => {
    const r = await runAction({
      'base-url': fx.emu.url,
      'api-key': KEYS.pro,
      template: TEMPLATES.image,
      dataset: `${street},${street2}`,
    });
    expect(r.exitCode, r.stdout).toBe(0);
    expect(r.outputs.uids?.split('\n')).toHaveLength(2);
    expect(results(r)).toHaveLength(2);
  });
});

/** Dataset UIDs in the documented layout, which the action attaches without reading them. */
function uids(n: number): string[] {
  return Array.from({ length: n }, (_, i) => `${DATASET.slice(0, -1)}${i + 1}`);
}
