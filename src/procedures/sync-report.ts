/** What a plan or an apply says: its first sentence with every count, and its lines (rule 38). */
import type { Project } from '../api/types.ts';
import type { ItemResult, Line, Planned } from './result.ts';
import { type Step, type Tally, tally } from './sync-plan.ts';

/** Lines of one kind a plan lists one by one; past this, a count. Stops are always listed whole. */
const MAX_LINES = 50;

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

/** ` (3 create, 1 approve)`: the counts that are not 0, or nothing. */
export function parts(entries: Array<[number, string]>): string {
  const said = entries.filter(([n]) => n > 0).map(([n, what]) => `${n} ${what}`);
  return said.length > 0 ? ` (${said.join(', ')})` : '';
}

export function startsOf(t: Tally, notUploaded = 0): number {
  return (t.create ?? 0) + (t.approve ?? 0) + (t.resume ?? 0) + notUploaded;
}

export function stopsOf(t: Tally): number {
  return (t.pause ?? 0) + (t.cancel ?? 0) + (t.archive ?? 0);
}

/** The plan's first sentence: what the merge would do, with every count. */
export function planHeadline(steps: readonly Step[]): string {
  const t = tally(steps);
  const starts = startsOf(t);
  const startParts = parts([
    [t.createApprove, 'create and approve'],
    [(t.create ?? 0) - t.createApprove, 'create'],
    [t.approve ?? 0, 'approve'],
    [t.resume ?? 0, 'resume'],
  ]);
  const stopParts = parts([
    [t.pause ?? 0, 'pause'],
    [t.cancel ?? 0, `cancel${t.cancel ? ': irreversible' : ''}`],
    [t.archive ?? 0, 'archive'],
  ]);
  return `Would start ${plural(starts, 'billable project')}${startParts} and stop ${stopsOf(t)}${stopParts}. ${rest(t)}`;
}

/** An apply's first sentence, from what each item did. */
export function doneHeadline(steps: readonly Step[], results: readonly ItemResult[]): string {
  const done = steps.filter((_, i) => results[i]?.error === undefined && results[i]?.changed);
  const t = tally(done);
  const all = tally(steps);
  const failed = results.filter((r) => r.error !== undefined).length;
  const startParts = parts([
    [t.createApprove, 'created and approved'],
    [(t.create ?? 0) - t.createApprove, 'created'],
    [t.approve ?? 0, 'approved'],
    [t.resume ?? 0, 'resumed'],
  ]);
  const stopParts = parts([
    [t.pause ?? 0, 'paused'],
    [t.cancel ?? 0, 'canceled'],
    [t.archive ?? 0, 'archived'],
  ]);
  const unchanged = results.filter((r, i) => r.error === undefined && !r.changed && steps[i]?.planned !== 'skip');
  return `Started ${plural(startsOf(t), 'billable project')}${startParts} and stopped ${stopsOf(t)}${stopParts}; ${unchanged.length} unchanged, ${all.skip ?? 0} skipped, ${failed} failed.`;
}

function rest(t: Tally): string {
  return `${t.exists ?? 0} unchanged, ${t['not-uploaded'] ?? 0} not uploaded yet, ${t.skip ?? 0} skipped, ${t.failed ?? 0} failed.`;
}

const VERB: Partial<Record<Planned, string>> = {
  pause: 'Pause',
  cancel: 'Cancel',
  archive: 'Archive',
  approve: 'Approve',
  resume: 'Resume',
};

/** The plan's lines: the stops, then the starts, then the orphans (the rest is counted in the first sentence). */
export function planLines(
  steps: readonly Step[],
  orphans: readonly Project[] | undefined,
  templates: TemplateNames,
): Line[] {
  const lines: Line[] = [];
  const project = (p: Project): Line => [{ code: p.name }, ' (', { code: p.uid }, `, ${p.status})`];
  for (const step of steps) {
    const verb = VERB[step.planned];
    if (!verb || !step.project || !['pause', 'cancel', 'archive'].includes(step.planned)) continue;
    lines.push([
      `${verb} `,
      ...project(step.project),
      ...(step.planned === 'cancel' ? [': irreversible'] : []),
      ` for `,
      { code: step.item.input },
    ]);
  }
  const starts: Line[] = [];
  for (const step of steps) {
    const { item } = step;
    if (step.planned === 'create' && item.kind) {
      const verb = step.approve ? 'Create and approve' : 'Create';
      starts.push([
        `${verb} `,
        { code: item.name },
        ' on ',
        { code: item.input },
        ' from template ',
        ...templates(item.kind.template),
      ]);
    } else if ((step.planned === 'approve' || step.planned === 'resume') && step.project) {
      starts.push([`${VERB[step.planned]} `, ...project(step.project), ' for ', { code: item.input }]);
    }
  }
  lines.push(...starts.slice(0, MAX_LINES));
  if (starts.length > MAX_LINES) lines.push([`… and ${starts.length - MAX_LINES} more starts, in the results output.`]);
  if (orphans === undefined) return lines;
  for (const orphan of orphans.slice(0, MAX_LINES)) {
    lines.push([
      'Orphan, left as it is: ',
      ...project(orphan),
      ': no directory and no projects entry names its dataset',
    ]);
  }
  if (orphans.length > MAX_LINES)
    lines.push([`… and ${orphans.length - MAX_LINES} more orphans, in the orphans output.`]);
  return lines;
}

/** A template as a plan line shows it: by name and task type when the owner's listing holds it. */
export type TemplateNames = (uid: string) => Line;

export function templateNames(listed: readonly Project[] | undefined): TemplateNames {
  const byUid = new Map((listed ?? []).map((p) => [p.uid.toLowerCase(), p]));
  return (uid) => {
    const found = byUid.get(uid.toLowerCase());
    return found
      ? [{ code: found.name }, ` (${found.task_type ?? 'no task type'}, `, { code: uid }, ')']
      : [{ code: uid }];
  };
}

/** A line as the log shows it: names in quotes, which the log escapes as it does all API text. */
export function lineText(line: Line): string {
  return line.map((part) => (typeof part === 'string' ? part : JSON.stringify(part.code))).join('');
}
