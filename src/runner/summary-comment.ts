/** The job summary as the pull request's comment: the same HTML, fitted to the room a comment has. */
import { attribute } from './html.ts';
import { MAX_ROWS, renderSummary, type SummaryInput } from './summary.ts';

/**
 * The summary as a comment of at most `maxChars` characters: in full when it
 * fits; else what would change first, the rest as counts, and a link to the run.
 */
export function renderComment(input: SummaryInput, maxChars: number, env: NodeJS.ProcessEnv): string {
  const run = `${env.GITHUB_SERVER_URL ?? 'https://github.com'}/${env.GITHUB_REPOSITORY}/actions/runs/${env.GITHUB_RUN_ID}`;
  const where =
    env.GITHUB_REPOSITORY && env.GITHUB_RUN_ID
      ? `<a href="${attribute(run)}">the workflow run</a>`
      : 'the workflow run';
  const link = `<p>Shortened to fit a comment: the whole summary is on ${where}.</p>\n`;
  const full = renderSummary(input, { rows: MAX_ROWS, unchanged: true, requests: false, lineChars: maxChars });
  const all = (input.items?.length ?? input.projects.length) <= MAX_ROWS;
  if (full.length <= maxChars && all) return full;
  // Rows go first, then the plan's lines from the end (stops come first in them): the headline always stays.
  for (let rows = MAX_ROWS; rows >= 0; rows = rows === 0 ? -1 : Math.floor(rows / 2)) {
    const text = renderSummary(input, { rows, unchanged: false, requests: false, lineChars: maxChars }) + link;
    if (text.length <= maxChars) return text;
  }
  for (let lineChars = maxChars / 2; lineChars >= 256; lineChars /= 2) {
    const text = renderSummary(input, { rows: 0, unchanged: false, requests: false, lineChars }) + link;
    if (text.length <= maxChars) return text;
  }
  return link.slice(0, maxChars);
}
