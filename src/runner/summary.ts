/**
 * The job summary, and the pull-request comment made of it: HTML, which GitHub
 * renders within its Markdown. Every text from the API or the repository is
 * escaped for both, so a name cannot add a heading, a link, an image, a table
 * row, a tag, a mention or an issue reference.
 */
import type { RequestRecord } from '../api/http.ts';
import type { Project } from '../api/types.ts';
import { describeFailure } from '../errors.ts';
import { type ItemResult, type Line, PLANNED_KINDS, type Planned } from '../procedures/result.ts';
import { attribute, code, inert, prose, quoted } from './html.ts';
import type { Runner } from './runner.ts';

/** Rows of a table in the job summary; the full list is in the outputs. */
export const MAX_ROWS = 50;
/** Requests listed; a run makes more only when it reads long lists. */
const MAX_REQUEST_ROWS = 200;
/** Characters of the text: with the rows above, far below the 1 MiB GitHub takes. */
const MAX_TEXT = 2000;

export interface SummaryInput {
  title: string;
  /** A run of several items: one row each, failures included. */
  items?: ItemResult[] | undefined;
  /** Takes the secrets out of the items' error messages. */
  hide?: (text: string) => string;
  /** What was done, or what failed. */
  text: string;
  /** A plan's lines beneath its first sentence (rule 38). */
  lines?: Line[] | undefined;
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

export interface Limits {
  rows: number;
  /** Projects left as they are, listed in a collapsed table; false gives their count alone. */
  unchanged: boolean;
  requests: boolean;
  /** Characters the plan's lines may take; past them, a count. Stops come first, so they are the last cut. */
  lineChars: number;
}

/** Half the 1 MiB GitHub keeps of a step summary: ten thousand stop lines must not lose the whole plan. */
const MAX_LINE_CHARS = 512 * 1024;

export function renderSummary(
  input: SummaryInput,
  limits: Limits = { rows: MAX_ROWS, unchanged: true, requests: true, lineChars: MAX_LINE_CHARS },
) {
  const parts = [
    `<h3>${input.failed ? '❌' : '✅'} ${quoted(input.title, MAX_TEXT)}</h3>`,
    `<p>${quoted(input.text, MAX_TEXT)}</p>`,
  ];
  if (input.lines?.length) parts.push(lineList(input.lines, limits.lineChars));
  if (input.code) parts.push(`<p>Error code: <code>${attribute(input.code)}</code></p>`);
  if (input.docUrl && /^https:\/\/[^\s"'<>]+$/.test(input.docUrl)) {
    parts.push(`<a href="${attribute(input.docUrl)}">API documentation for this error</a>`);
  }
  if (input.items) parts.push(...itemTables(input, limits));
  else if (input.projects.length > 0) parts.push(...projectTable(input.projects, limits.rows));
  if (limits.requests && input.requests.length > 0) parts.push(requestTable(input.requests));
  return `${parts.join('\n')}\n`;
}

/** The plan's lines in order, as many as `maxChars` holds, then how many more the results output has. */
function lineList(lines: readonly Line[], maxChars: number): string {
  const items: string[] = [];
  let used = 0;
  for (const line of lines) {
    const item = `<li>${line.map((p) => (typeof p === 'string' ? prose(p) : code(p.code))).join('')}</li>`;
    if (used + item.length > maxChars) break;
    items.push(item);
    used += item.length;
  }
  const more = lines.length - items.length;
  if (more > 0)
    items.push(`<li>… and ${more} more line${more === 1 ? '' : 's'}: every item is in the results output.</li>`);
  return `<ul>${items.join('')}</ul>`;
}

/** What each kind of plan says, in the order a reviewer wants them: changes first. */
const PLANNED: Record<Planned, string> = {
  pause: 'would pause',
  cancel: 'would cancel (irreversible)',
  archive: 'would archive',
  create: 'would create',
  approve: 'would approve',
  resume: 'would resume',
  upload: 'would upload, then create',
  'not-uploaded': 'not uploaded yet',
  failed: 'failed',
  skip: 'skipped',
  exists: 'exists',
};

function itemTables(input: SummaryInput, limits: Limits): string[] {
  const items = input.items ?? [];
  const head = ['Dataset or project', 'Project', 'UID', 'Status', 'Done', 'Error'];
  const planned = items.some((item) => item.planned !== undefined);
  // A plan lists first what would change; the projects left as they are go last, collapsed.
  const order: readonly Planned[] = PLANNED_KINDS;
  const sorted = planned ? [...items].sort((a, b) => rank(order, a) - rank(order, b)) : items;
  const changing = planned ? sorted.filter((item) => item.planned !== 'exists') : sorted;
  const unchanged = planned ? sorted.filter((item) => item.planned === 'exists') : [];
  const parts = [
    table(
      head,
      changing.slice(0, limits.rows).map((item) => itemRow(item, input)),
    ),
  ];
  if (changing.length > limits.rows)
    parts.push(`<p>… and ${changing.length - limits.rows} more, in the results output.</p>`);
  if (unchanged.length > 0) {
    const count = `${unchanged.length} existing project${unchanged.length === 1 ? ', left as it is' : 's, left as they are'}`;
    parts.push(
      limits.unchanged
        ? `<details><summary>${count}</summary>${table(
            head,
            unchanged.slice(0, limits.rows).map((item) => itemRow(item, input)),
          )}</details>`
        : `<p>${count}.</p>`,
    );
  }
  return parts;
}

function rank(order: readonly Planned[], item: ItemResult): number {
  return order.indexOf(item.planned ?? 'failed');
}

function itemRow(item: ItemResult, input: SummaryInput): string[] {
  const p = item.project;
  const done = item.planned
    ? `${PLANNED[item.planned]}${item.planned === 'create' && item.plan?.approve ? ' and approve' : ''}${item.plan?.reason ? `: ${item.plan.reason}` : ''}`
    : item.created
      ? 'created'
      : item.changed
        ? 'changed'
        : item.error !== undefined
          ? ''
          : p
            ? 'exists, unchanged'
            : (item.summary ?? '');
  const error = item.error === undefined ? undefined : describeFailure(item.error);
  const hide = input.hide ?? ((text: string) => text);
  const message = error ? hide(`${error.code}: ${error.message}`) : '';
  return [
    code(item.input),
    code(p?.name ?? item.plan?.name),
    code(p?.uid),
    code(p?.status),
    prose(done),
    code(message),
  ];
}

function projectTable(projects: Project[], rows: number): string[] {
  const body = projects
    .slice(0, rows)
    .map((p) => [code(p.uid), code(p.name), code(p.status), code(p.task_type), code(p.owner_name)]);
  const parts = [table(['UID', 'Name', 'Status', 'Task type', 'Owner'], body)];
  if (projects.length > rows)
    parts.push(`<p>… and ${projects.length - rows} more, in the projects and projects-file outputs.</p>`);
  return parts;
}

function requestTable(requests: RequestRecord[]): string {
  const rows = requests
    .slice(0, MAX_REQUEST_ROWS)
    .map((r) => [inert(r.method), code(r.path), inert(r.status), inert(`${r.ms} ms`), inert(r.attempt + 1)]);
  const more = requests.length - rows.length;
  const rest = more > 0 ? `<p>… and ${more} more.</p>` : '';
  return `<details><summary>Requests (${requests.length})</summary>${table(['Method', 'Path', 'Status', 'Time', 'Attempt'], rows)}${rest}</details>`;
}

function table(head: string[], rows: string[][]): string {
  const tr = (cells: string[], tag: string) => `<tr>${cells.map((c) => `<${tag}>${c}</${tag}>`).join('')}</tr>`;
  return `<table>${tr(head, 'th')}${rows.map((r) => tr(r, 'td')).join('')}</table>`;
}
