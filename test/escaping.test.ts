/**
 * Text from the API or the repository stays text: in the job summary it adds no
 * Markdown or HTML (rule 12), in the log and annotations it stays on one line.
 */
import { describe, expect, it } from 'vitest';
import { TEMPLATES } from '../emulator/seed.ts';
import type { SummaryInput } from '../src/runner/summary.ts';
import { renderComment } from '../src/runner/summary-comment.ts';
import { useEmulator } from './support/fixtures.ts';

const fx = useEmulator();
const HOSTILE =
  'x\n\n# Heading [link](https://evil.example) ![img](https://evil.example/i.png) | a | b |\n<b>@octocat #12';

/** What of the hostile text GitHub could render as Markdown or HTML, found in a summary. */
function live(summary: string): string[] {
  return [
    /\n\s*\n/.test(summary) ? 'a blank line, which ends the HTML block' : '',
    /^#/m.test(summary) ? 'a heading' : '',
    summary.includes('](') ? 'a link or an image' : '',
    summary.includes('| a |') ? 'a table row' : '',
    summary.includes('<b>') ? 'a tag' : '',
    /@octocat|(?<!&)#12/.test(summary.replace(/<code>[^<]*<\/code>/g, '')) ? 'a mention or reference outside code' : '',
  ].filter(Boolean);
}

describe('the job summary', () => {
  it('shows a hostile project name from a listing as inert code', async () => {
    fx.emu.addProjects('acme', 2, HOSTILE);
    const r = await fx.run({ action: 'list', owner: 'acme', limit: '5' });
    expect(r.exitCode).toBe(0);
    expect(r.summary).toContain('<code>x&#92;n&#92;n&#35; Heading &#91;link&#93;(https://evil.example)');
    expect(live(r.summary)).toEqual([]);
  });

  it('keeps a pull-request comment of 3,000 items within its limit, changes first, with a link to the run', () => {
    const items = Array.from({ length: 3000 }, (_, i) => ({
      input: `datasets/d-${i}`,
      datasetUid: null,
      planned: i % 3 === 0 ? ('create' as const) : ('exists' as const),
      summary: HOSTILE,
    }));
    const input: SummaryInput = { title: 'Plan', text: HOSTILE, failed: false, projects: [], items, requests: [] };
    const env = { GITHUB_SERVER_URL: 'https://github.com', GITHUB_REPOSITORY: 'acme/datasets', GITHUB_RUN_ID: '42' };
    const comment = renderComment(input, 60_000, env);
    expect(comment.length).toBeLessThanOrEqual(60_000);
    expect(comment).toContain('would create');
    expect(comment).toContain('2000 existing projects, left as they are.');
    expect(comment).toContain('href="https://github.com/acme/datasets/actions/runs/42"');
    expect(live(comment)).toEqual([]);
  });
});

describe('the log and annotations', () => {
  it("a dataset's status holding newlines stays one annotation line, and issues no workflow command", async () => {
    fx.emu.datasets.add({ slug: 'odd', status: 'creating\n::error::injected\nthird line' as 'creating' });
    const r = await fx.run({ template: TEMPLATES.image, dataset: 'acme/odd', name: 'Odd' });
    expect(r.exitCode).toBe(0);
    expect(r.annotations).toEqual([expect.objectContaining({ level: 'warning', title: 'Avala dataset not ready' })]);
    expect(r.annotations[0]?.message).toContain('(status "creating\\n::error::injected\\nthird line")');
    expect(r.annotations[0]?.message).not.toContain('\n');
    expect(r.stdout.split('\n').filter((line) => line.startsWith('::error::injected'))).toEqual([]);
  });
});
