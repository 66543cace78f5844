import type { RequestRecord } from '../api/http.ts';
import type { Project } from '../api/types.ts';
import { describeFailure } from '../operations/failures.ts';
import type { ItemResult } from '../operations/result.ts';
import type { Runner } from './runner.ts';

/** Rows of a list shown in the summary; the full list is in the outputs. */
const MAX_ROWS = 50;
/** Requests listed; a run makes more only when it reads long lists. */
const MAX_REQUEST_ROWS = 200;
/**
 * Characters of one cell or the text. With the rows above, these keep a
 * summary far below the 1 MiB GitHub takes, whatever the API's answers hold.
 */
const MAX_CELL = 200;
const MAX_TEXT = 2000;

export interface SummaryInput {
  title: string;
  /** A run of several items: one row each, failures included. */
  items?: ItemResult[] | undefined;
  /** Takes the secrets out of the items' error messages. */
  hide?: (text: string) => string;
  /** What was done, or what failed. */
  text: string;
  failed: boolean;
  projects: Project[];
  requests: RequestRecord[];
  code?: string | undefined;
  docUrl?: string | undefined;
}

/** Appends the summary; a summary that cannot be written is a warning, never a failed step. */
export async function writeSummary(runner: Runner, input: SummaryInput): Promise<void> {
  try {
    await runner.appendSummary(renderSummary(input));
  } catch (error) {
    runner.warning(error instanceof Error ? error.message : String(error), 'Avala job summary not written');
  }
}

/** The job summary as HTML, which GitHub renders within its Markdown. */
export function renderSummary(input: SummaryInput): string {
  const parts = [
    `<h3>${input.failed ? '❌' : '✅'} ${escapeHtml(cut(input.title, MAX_TEXT))}</h3>`,
    `<p>${escapeHtml(cut(input.text, MAX_TEXT))}</p>`,
  ];
  if (input.code) parts.push(`<p>Error code: <code>${escapeHtml(input.code)}</code></p>`);
  if (input.docUrl && /^https:\/\//.test(input.docUrl)) {
    parts.push(`<a href="${escapeHtml(input.docUrl)}">API documentation for this error</a>`);
  }
  if (input.items) {
    const rows = input.items.slice(0, MAX_ROWS).map((item) => {
      const p = item.project;
      // What became of it; a dry run's plan says what it would do.
      const done = item.created
        ? 'created'
        : item.changed
          ? 'changed'
          : item.error !== undefined
            ? ''
            : p
              ? 'exists, unchanged'
              : (item.summary ?? '');
      const error = item.error === undefined ? '' : describeFailure(item.error);
      const hide = input.hide ?? ((text: string) => text);
      return [item.input, p?.name, p?.uid, p?.status, done, error && hide(`${error.code}: ${error.message}`)].map(cell);
    });
    parts.push(table(['Dataset or project', 'Project', 'UID', 'Status', 'Done', 'Error'], rows));
    if (input.items.length > MAX_ROWS)
      parts.push(`<p>… and ${input.items.length - MAX_ROWS} more, in the results output.</p>`);
  } else if (input.projects.length > 0) {
    const rows = input.projects
      .slice(0, MAX_ROWS)
      .map((p) => [p.uid, p.name, p.status, p.task_type, p.owner_name].map(cell));
    parts.push(table(['UID', 'Name', 'Status', 'Task type', 'Owner'], rows));
    if (input.projects.length > MAX_ROWS) {
      parts.push(`<p>… and ${input.projects.length - MAX_ROWS} more, in the projects and projects-file outputs.</p>`);
    }
  }
  if (input.requests.length > 0) {
    const rows = input.requests
      .slice(0, MAX_REQUEST_ROWS)
      .map((r) => [r.method, r.path, r.status, `${r.ms} ms`, String(r.attempt + 1)].map(cell));
    const more = input.requests.length - rows.length;
    parts.push(
      `<details><summary>Requests (${input.requests.length})</summary>${table(['Method', 'Path', 'Status', 'Time', 'Attempt'], rows)}${more > 0 ? `<p>… and ${more} more.</p>` : ''}</details>`,
    );
  }
  return `${parts.join('\n')}\n`;
}

function table(head: string[], rows: string[][]): string {
  const tr = (cells: string[], tag: string) => `<tr>${cells.map((c) => `<${tag}>${c}</${tag}>`).join('')}</tr>`;
  return `<table>${tr(head, 'th')}${rows.map((r) => tr(r, 'td')).join('')}</table>`;
}

/** A table cell from any value an answer held: text, shortened and escaped. */
function cell(value: unknown): string {
  return escapeHtml(cut(typeof value === 'string' || typeof value === 'number' ? String(value) : '', MAX_CELL));
}

function cut(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max)}…` : text;
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
