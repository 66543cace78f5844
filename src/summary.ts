import * as core from '@actions/core';
import type { RequestRecord } from './api/http.ts';
import type { Project } from './api/types.ts';

/** Rows of a list shown in the summary; the full list is in the outputs. */
const MAX_ROWS = 50;

export interface SummaryInput {
  title: string;
  /** What was done, or what failed. */
  text: string;
  failed: boolean;
  projects: Project[];
  requests: RequestRecord[];
  code?: string | undefined;
  docUrl?: string | undefined;
}

/** Writes the job summary, when the runner gives a file for it. */
export async function writeSummary(input: SummaryInput): Promise<void> {
  if (!process.env.GITHUB_STEP_SUMMARY) return;
  const s = core.summary.addHeading(`${input.failed ? '❌' : '✅'} ${escapeHtml(input.title)}`, 3);
  s.addRaw(`<p>${escapeHtml(input.text)}</p>`, true);
  if (input.code) s.addRaw(`<p>Error code: <code>${escapeHtml(input.code)}</code></p>`, true);
  if (input.docUrl && /^https:\/\//.test(input.docUrl)) s.addLink('API documentation for this error', input.docUrl);
  if (input.projects.length > 0) {
    const rows = input.projects
      .slice(0, MAX_ROWS)
      .map((p) =>
        [p.uid, p.name, p.status, p.task_type ?? '', p.owner_name ?? ''].map((cell) => escapeHtml(String(cell))),
      );
    s.addTable([['UID', 'Name', 'Status', 'Task type', 'Owner'].map((data) => ({ data, header: true })), ...rows]);
    if (input.projects.length > MAX_ROWS) {
      s.addRaw(
        `<p>… and ${input.projects.length - MAX_ROWS} more, in the projects and projects-file outputs.</p>`,
        true,
      );
    }
  }
  if (input.requests.length > 0) {
    const rows = input.requests.map((r) => [
      r.method,
      escapeHtml(r.path),
      String(r.status),
      `${r.ms} ms`,
      String(r.attempt + 1),
    ]);
    s.addDetails(`Requests (${input.requests.length})`, table(['Method', 'Path', 'Status', 'Time', 'Attempt'], rows));
  }
  await s.write();
}

function table(head: string[], rows: string[][]): string {
  const tr = (cells: string[], tag: string) => `<tr>${cells.map((c) => `<${tag}>${c}</${tag}>`).join('')}</tr>`;
  return `<table>${tr(head, 'th')}${rows.map((r) => tr(r, 'td')).join('')}</table>`;
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
