/** A plan of thousands of stops stays within GitHub's limits, its first sentence and its stops first kept. */
import { describe, expect, it } from 'vitest';
import type { Line } from '../../src/procedures/result.ts';
import { renderSummary } from '../../src/runner/summary.ts';
import { renderComment } from '../../src/runner/summary-comment.ts';

const heavy = '_'.repeat(100); // each `_` is written as the 5 characters &#95;
const stop = (i: number): Line => ['Pause ', { code: `${heavy}${i}` }, ' (', { code: `uid-${i}` }, ', active)'];
const input = (n: number) => ({
  title: 'Avala: .github/avala-projects.yml for acme (dry run)',
  text: `Would start 0 billable projects and stop ${n} (${n} pause).`,
  lines: Array.from({ length: n }, (_, i) => stop(i)),
  failed: false,
  projects: [],
  requests: [],
});
const env = { GITHUB_REPOSITORY: 'acme/datasets', GITHUB_RUN_ID: '7' };

describe('a plan of many stops', () => {
  it('fits a comment: the first sentence, the first stops, and how many more the results output has', () => {
    for (const n of [110, 300, 2000]) {
      const comment = renderComment(input(n), 65_536, env);
      expect(comment.length, `${n} stops`).toBeLessThanOrEqual(65_536);
      expect(comment).toContain(`Would start 0 billable projects and stop ${n} (${n} pause).`);
      // Every stop is either shown, or counted in the line that sends the reader to the results output.
      const shown = comment.match(/<li>Pause /g)?.length ?? 0;
      const more = Number(
        comment.match(/<li>… and (\d+) more lines?: every item is in the results output\.<\/li>/)?.[1] ?? 0,
      );
      expect(shown).toBeGreaterThan(0);
      expect(shown + more).toBe(n);
    }
  });

  it('fits the 1 MiB job summary with ten thousand of them', () => {
    const summary = renderSummary(input(10_000));
    expect(Buffer.byteLength(summary)).toBeLessThan(1024 * 1024);
    expect(summary).toContain('and stop 10000');
    expect(summary).toMatch(/… and \d+ more lines/);
  });

  it('keeps every line when they fit', () => {
    const comment = renderComment(input(20), 65_536, env);
    expect(comment.match(/<li>Pause /g)).toHaveLength(20);
    expect(comment).not.toContain('more line');
  });
});
