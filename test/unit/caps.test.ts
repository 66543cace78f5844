/** The caps (rules 29 and 34), counted on a plan: what they refuse, and advice the action accepts. */
import { describe, expect, it } from 'vitest';
import { capsError, deferOverMax } from '../../src/procedures/sync-caps.ts';
import type { Step, SyncItem } from '../../src/procedures/sync-plan.ts';

const item = (n: number): SyncItem => ({
  input: `datasets/d${n}`,
  data: { auto: { owner: 'acme', slug: `d${n}` } },
  name: `datasets-d${n}`,
  kind: { template: 't', approve: true },
});
const steps = (n: number, planned: Step['planned'], approve = true): Step[] =>
  Array.from({ length: n }, (_, i) => ({ item: item(i), planned, approve }));

describe('the caps', () => {
  it('allow exactly the cap, and refuse one more with both counts', () => {
    expect(capsError(steps(20, 'create'), { dryRun: false, maxNew: 20, maxStops: 20 })).toBeUndefined();
    const over = capsError([...steps(20, 'create'), ...steps(1, 'pause')], { dryRun: false, maxNew: 19, maxStops: 20 });
    expect(over?.errorCode).toBe('too-many-projects');
    expect(over?.message).toBe(
      'This run would make 20 billable starts (20 to create and approve) (max-new-projects: 19) and 1 stop (1 to pause) (max-stops: 20), more than max-new-projects allows: nothing was created or changed. If the plan is right, run once with max-new-projects: 20 (or more), then set it back.',
    );
  });

  it('above 10,000 starts, advise the largest cap the input takes, and run again until done', () => {
    const over = capsError(steps(10_001, 'create'), { dryRun: false, maxNew: 20 });
    expect(over?.message).toContain(
      'If the plan is right, set max-new-projects: 10000, the most it takes, and run again until done: each run starts at most 10000 and leaves the rest to the next.',
    );
    expect(over?.message).not.toContain('10001 (or more)');
  });

  it('at 10,000, a run starts the first 10,000 and leaves the rest for the next run, which the advice promised', () => {
    const planned = deferOverMax([...steps(10_001, 'create'), ...steps(2, 'pause')], 10_000);
    expect(planned.filter((s) => s.planned === 'create')).toHaveLength(10_000);
    expect(planned[10_000]).toMatchObject({
      planned: 'skip',
      reason: 'over max-new-projects (10000): a later run starts it',
    });
    expect(planned.filter((s) => s.planned === 'pause')).toHaveLength(2);
    expect(capsError(planned, { dryRun: false, maxNew: 10_000, maxStops: 20 })).toBeUndefined();
    // A plan counts what is not uploaded yet as starts, and puts them off alike, so that it passes as the apply does.
    const plan = deferOverMax([...steps(10_000, 'create'), ...steps(2, 'not-uploaded')], 10_000, true);
    expect(plan.filter((s) => s.planned === 'skip')).toHaveLength(2);
    expect(capsError(plan, { dryRun: true, maxNew: 10_000, maxStops: 20 })).toBeUndefined();
    // Below the largest cap, nothing is deferred: the guard refuses the whole run instead.
    expect(deferOverMax(steps(30, 'create'), 20).filter((s) => s.planned === 'create')).toHaveLength(30);
  });
});
