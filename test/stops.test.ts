/**
 * Failures that would fail every item alike stop the run at once (rules 8 and
 * 17): a redirect, or a link to another origin, is one of them, wherever it
 * comes: on a clone, or on an empty lookup page.
 */
import { describe, expect, it } from 'vitest';
import { DATASET, TEMPLATES } from '../emulator/seed.ts';
import { useEmulator } from './support/fixtures.ts';
import type { ActionRun } from './support/run-action.ts';

const fx = useEmulator({ bystander: true });
const datasets = [1, 2, 3].map((n) => `${DATASET.slice(0, -1)}${n}`).join(',');
const codes = (r: ActionRun) =>
  (JSON.parse(r.outputs.results ?? '[]') as Array<{ error_code: string | null }>).map((e) => e.error_code);

describe('a run of several items', () => {
  it('stops at a redirect on a clone, and marks the rest not tried', async () => {
    fx.emu.inject({ method: 'POST', fault: { kind: 'redirect', location: `${fx.bystander.url}/elsewhere` } });
    const r = await fx.run({ template: TEMPLATES.image, dataset: datasets });
    expect(r.exitCode).toBe(1);
    expect(codes(r)).toEqual(['http-302', 'not-tried', 'not-tried']);
    expect(fx.emu.calls('POST')).toHaveLength(1);
  });

  it('stops at an empty lookup page whose next link is on another origin', async () => {
    fx.emu.inject({
      method: 'GET',
      path: '/projects/acme/',
      fault: { kind: 'patch', page: { results: [], next: `${fx.bystander.url}/api/v1/projects/acme/?cursor=x` } },
    });
    const r = await fx.run({ template: TEMPLATES.image, dataset: datasets, owner: 'acme' });
    expect(r.exitCode).toBe(1);
    expect(codes(r)).toEqual(['network', 'not-tried', 'not-tried']);
    expect(r.annotations[0]?.message).toContain(`refused to send the API key to ${fx.bystander.url}`);
    expect(fx.emu.calls('POST')).toEqual([]);
  });
});
