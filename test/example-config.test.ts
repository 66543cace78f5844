/**
 * examples/avala.yml and examples/avala-projects.yml, the workflow the README leads with: checked as GitHub
 * reads it (its `if:` by GitHub's own expression library), then its one step run against the emulator over a
 * checkout holding the example's config: a plan on the pull request, the apply on the push, a re-run.
 */

import { readFileSync } from 'node:fs';
import { copyFile, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { DATASETS, KEYS } from '../emulator/seed.ts';
import { condition } from './support/expressions.ts';
import { useEmulator } from './support/fixtures.ts';
import { logLines, ROOT } from './support/run-action.ts';

interface Step {
  id?: string;
  uses?: string;
  with?: Record<string, string | boolean>;
}
interface Workflow {
  on: Record<string, unknown>;
  permissions: Record<string, string>;
  concurrency: { group: string; 'cancel-in-progress': boolean };
  jobs: Record<string, { if: string; steps: Step[] }>;
}

const source = readFileSync(join(ROOT, 'examples/avala.yml'), 'utf8');
const workflow = parse(source) as Workflow;
const job = workflow.jobs.avala as Workflow['jobs'][string];
const action = job.steps.find((s) => s.uses?.startsWith('ORG/avala-projects-action@')) as Step;

describe('examples/avala.yml, as GitHub reads it', () => {
  it('is one job of two steps, checkout and the action, in under 40 lines besides comments', () => {
    expect(Object.keys(workflow.jobs)).toEqual(['avala']);
    expect(job.steps.map((s) => s.uses?.split('@')[0])).toEqual(['actions/checkout', 'ORG/avala-projects-action']);
    expect(job.steps[0]?.with).toEqual({ 'persist-credentials': false });
    expect(source.split('\n').filter((line) => !/^\s*(#|$)/.test(line)).length).toBeLessThan(40);
  });

  it('plans pull requests and applies pushes to main, nightly and by hand, one run at a time', () => {
    expect(Object.keys(workflow.on).sort()).toEqual(['pull_request', 'push', 'schedule', 'workflow_dispatch']);
    expect(workflow.on.push).toEqual({ branches: ['main'] });
    expect(workflow.permissions).toEqual({ contents: 'read', 'pull-requests': 'write' });
    expect(workflow.concurrency['cancel-in-progress']).toBe(false);
    expect(action.with).toEqual({
      // biome-ignore lint/suspicious/noTemplateCurlyInString: a GitHub expression, not a template literal.
      'api-key': '${{ secrets.AVALA_API_KEY }}',
      config: '.github/avala-projects.yml',
      'pr-comment': true,
      // A manual run may raise the cap once; on any other event the input is empty, and the file's cap holds.
      // biome-ignore lint/suspicious/noTemplateCurlyInString: a GitHub expression, not a template literal.
      'max-new-projects': '${{ inputs.max-new-projects }}',
    });
    expect(workflow.on.workflow_dispatch).toEqual({
      inputs: { 'max-new-projects': { description: expect.any(String), default: '' } },
    });
  });

  it("skips a fork's pull request, which gets no secrets, and runs on the repository's own", () => {
    const event = (head: string) => ({
      github: {
        event_name: 'pull_request',
        repository: 'acme/datasets',
        event: { pull_request: { head: { repo: { full_name: head } } } },
      },
    });
    expect(condition(job.if, event('acme/datasets'))).toBe(true);
    expect(condition(job.if, event('someone/datasets'))).toBe(false);
    expect(condition(job.if, { github: { event_name: 'push', repository: 'acme/datasets', event: {} } })).toBe(true);
  });
});

describe('its step, run over a checkout with the example config', () => {
  const fx = useEmulator();
  let ws: string;
  beforeAll(async () => {
    ws = await mkdtemp(join(tmpdir(), 'avala-example-'));
    await mkdir(join(ws, '.github'));
    await copyFile(join(ROOT, 'examples/avala-projects.yml'), join(ws, '.github/avala-projects.yml'));
    for (const dir of [
      `datasets/images/${DATASETS.street}`,
      'datasets/images/tmp',
      `datasets/lidar/${DATASETS.lidar}`,
      // Avala has no dataset for it yet: the apply uploads it.
      'datasets/images/street-2026-w49',
    ]) {
      await mkdir(join(ws, dir), { recursive: true });
      await writeFile(join(ws, dir, '0001.jpg'), 'x');
    }
  });
  afterAll(() => rm(ws, { recursive: true, force: true }));

  /** The step's inputs as the runner passes them: the manual run's max-new-projects, empty on other events. */
  const step = (env: Record<string, string>, maxNew = '') => {
    const inputs = Object.fromEntries(
      Object.entries(action.with ?? {}).map(([k, v]) => [
        k,
        String(v).replace(/\$\{\{ inputs\.max-new-projects \}\}/, maxNew),
      ]),
    );
    return fx.run({ ...inputs, 'api-key': KEYS.pro }, { GITHUB_WORKSPACE: ws, ...env });
  };

  it('plans on the pull request, applies on the push (uploading what Avala lacks), and a re-run changes nothing', async () => {
    // The project the file adopts, made by hand in Avala.
    fx.emu.addProject({ uid: '61e18534-a40d-63f6-c938-668877660042', name: 'Lot by hand', status: 'active' });
    const plan = await step({ GITHUB_EVENT_NAME: 'pull_request', GITHUB_REF: 'refs/pull/1/merge' });
    expect(plan.exitCode, plan.stdout).toBe(0);
    expect(logLines(plan)).toContain(
      'Would upload 1 dataset (1 file, 1 B), start 3 billable projects (3 create and approve) and stop 0. 1 unchanged, 0 not uploaded yet, 2 skipped, 0 failed.',
    );
    expect(fx.emu.calls('POST')).toEqual([]);
    // A manual run that lowers the cap below the plan's 3 starts sends nothing, then the push applies.
    const capped = await step({ GITHUB_EVENT_NAME: 'workflow_dispatch' }, '2');
    expect(capped.outputs['error-code']).toBe('too-many-projects');
    expect(fx.emu.calls('POST')).toEqual([]);
    const apply = await step({});
    expect(apply.exitCode, apply.stdout).toBe(0);
    expect(apply.outputs['created-uids']?.split('\n')).toHaveLength(3);
    expect(apply.outputs['uploaded-datasets']).toBe('datasets/images/street-2026-w49');
    fx.emu.requests.length = 0;
    const again = await step({ GITHUB_EVENT_NAME: 'schedule' });
    expect(again.outputs.changed).toBe('false');
    expect(fx.emu.calls().map((q) => q.method)).toEqual(['GET']);
  });
});
