/** The procedures at Avala in process, against the emulator, with a reporter that records what they tell the reader. */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { KEYS, TEMPLATES } from '../emulator/seed.ts';
import { type Emulator, startEmulator } from '../emulator/server.ts';
import { AvalaClient } from '../src/api/client.ts';
import { AvalaError } from '../src/api/errors.ts';
import { HttpClient } from '../src/api/http.ts';
import { type CloneOptions, clone } from '../src/procedures/clone.ts';
import type { Reporter } from '../src/procedures/reporter.ts';
import { PartialFailure } from '../src/procedures/result.ts';
import { changeStatus } from '../src/procedures/transition.ts';

let emu: Emulator;
beforeAll(async () => {
  emu = await startEmulator({ rateLimit: false });
});
afterAll(() => emu.close());
beforeEach(() => emu.reset());

function harness(key: string = KEYS.pro): { api: AvalaClient; report: Reporter; told: string[] } {
  const told: string[] = [];
  const quiet = () => undefined;
  const http = new HttpClient({
    baseUrl: new URL(emu.url),
    apiKey: key,
    userAgent: 'test',
    timeoutMs: 5000,
    retries: 0,
    log: { info: quiet, debug: quiet },
  });
  const report: Reporter = {
    info: (m) => told.push(`info: ${m}`),
    notice: (m, title) => told.push(`notice [${title}]: ${m}`),
    warning: (m, title) => told.push(`warning [${title}]: ${m}`),
    group: (title, fn) => {
      told.push(`group: ${title}`);
      return fn();
    },
  };
  return { api: new AvalaClient(http), report, told };
}

const options = (over: Partial<CloneOptions> = {}): CloneOptions => ({
  template: TEMPLATES.image,
  data: {},
  waitMs: 0,
  name: 'Operation batch',
  copyCollaborators: true,
  approve: false,
  ifExists: 'reuse',
  owner: 'acme',
  dryRun: false,
  ...over,
});

describe('clone', () => {
  it('tells the reader through the reporter when it reuses a project', async () => {
    const { api, report, told } = harness();
    const first = await clone(options(), api, report);
    const again = await clone(options(), api, report);
    expect(again).toMatchObject({ created: false, changed: false, project: { uid: first.project?.uid } });
    expect(told).toEqual([
      `info: Reusing project "Operation batch" (${first.project?.uid}, pending-approval) of owner acme: a project of that name exists already.`,
    ]);
  });

  it('hands the created project back on the error when its approve fails', async () => {
    const { api, report } = harness(KEYS.basic);
    const failure = await clone(
      options({ template: '770a9600-a40d-63f6-c938-668877620000', owner: undefined, approve: true }),
      api,
      report,
    ).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(failure).toBeInstanceOf(PartialFailure);
    const { result, cause } = failure as PartialFailure;
    expect(result).toMatchObject({ created: true, changed: true, project: { status: 'pending-approval' } });
    expect(cause).toBeInstanceOf(AvalaError);
    expect((cause as AvalaError).errorCode).toBe('plan_insufficient');
    expect(emu.projectsOf('basicco').filter((p) => p.name === 'Operation batch')).toHaveLength(1);
  });

  it('in a dry run says what it would send and sends no change', async () => {
    const { api, report, told } = harness();
    const result = await clone(options({ dryRun: true }), api, report);
    expect(result).toMatchObject({ created: false, changed: false });
    expect(told).toEqual([
      `info: Dry run: would send POST /api/v1/projects/create-from-existing/ {"source_project_uid":"${TEMPLATES.image}","name":"Operation batch","copy_collaborators":true}`,
    ]);
    expect(emu.calls('POST')).toEqual([]);
  });
});

describe('readiness', () => {
  /** A clone onto acme/<slug> under a fake clock: the sleeps it took, what it told, how it failed. */
  async function waitFor(slug: string, waitMs: number) {
    const { api, report, told } = harness();
    let clock = 0;
    const sleeps: number[] = [];
    const sleep = async (ms: number) => {
      sleeps.push(ms);
      clock += ms;
    };
    const failure = await clone(
      options({ data: { image: { owner: 'acme', slug } }, waitMs, sleep, now: () => clock }),
      api,
      report,
    ).then(
      () => undefined,
      (e: unknown) => e as Error & { errorCode: string },
    );
    return { failure, sleeps, told };
  }

  it('reads a dataset after 1, 2, 4, 8 s and then every 10 s, up to wait-for-dataset, then fails the item', async () => {
    emu.datasets.add({ slug: 'stuck', status: 'creating' });
    const { failure, sleeps, told } = await waitFor('stuck', 40_000);
    expect(sleeps).toEqual([1000, 2000, 4000, 8000, 10_000, 10_000, 5000]);
    expect(failure?.errorCode).toBe('dataset-not-ready');
    expect(failure?.message).toBe(
      'Dataset acme/stuck is still not created (status "creating") after 40 s (wait-for-dataset): nothing was cloned for it.',
    );
    expect(told.filter((t) => t.startsWith('info: Dataset'))).toHaveLength(7);
    expect(emu.calls('POST')).toEqual([]);
  });

  it('takes a dataset without a status for one not created yet: waited for, then failed, nothing cloned', async () => {
    emu.datasets.add({ slug: 'statusless', status: undefined });
    const { failure } = await waitFor('statusless', 3000);
    expect(failure?.errorCode).toBe('dataset-not-ready');
    expect(failure?.message).toContain('still not created (status (none))');
    expect(emu.calls('POST')).toEqual([]);
  });
});

describe('changeStatus', () => {
  it('a project already in the target status is a notice, not a change', async () => {
    const { api, report, told } = harness();
    emu.setStatus(TEMPLATES.video, 'paused');
    const result = await changeStatus(
      { action: 'pause', project: TEMPLATES.video, owner: 'acme', dryRun: false },
      api,
      report,
    );
    expect(result).toMatchObject({ changed: false, project: { status: 'paused' } });
    expect(told).toEqual([
      `notice [Avala project already paused]: Project "Template: video-annotation" (${TEMPLATES.video}, paused) is already paused: nothing to do.`,
    ]);
  });
});
