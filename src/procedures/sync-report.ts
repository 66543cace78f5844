/** What a plan or an apply says: its first sentence with every count, and its lines (rule 38). */
import type { Project } from '../api/types.ts';
import type { ItemResult, Line, Planned } from './result.ts';
import { type Step, type Tally, tally } from './sync-plan.ts';
import { uploadLine, uploadsPhrase } from './upload-text.ts';
import { plural } from './words.ts';

/** Lines of one kind a plan lists one by one; past this, a count. Stops are always listed whole. */
const MAX_LINES = 50;

/** What a breakdown counts: the kinds of step, and creates that approve apart from those that do not. */
type Counted = 'createApprove' | Planned;

/**
 * ` (3 create and approve, 1 resume)`: the counts of `words`' kinds that are
 * not 0, in its order, each with its word; `create` counts the creates without approval.
 */
export function breakdown(t: Tally, words: Partial<Record<Counted, string>>): string {
  // An upload is a create onto the dataset it makes: the two are counted as one kind.
  const count = (kind: Counted) => (kind === 'create' ? t.create + t.upload - t.createApprove : t[kind]);
  const said = (Object.entries(words) as Array<[Counted, string]>)
    .filter(([kind]) => count(kind) > 0)
    .map(([kind, word]) => `${count(kind)} ${word}`);
  return said.length > 0 ? ` (${said.join(', ')})` : '';
}

export function startsOf(t: Tally, notUploaded = 0): number {
  return t.create + t.upload + t.approve + t.resume + notUploaded;
}

export function stopsOf(t: Tally): number {
  return t.pause + t.cancel + t.archive;
}

/** The plan's first sentence: what the merge would do, with every count. */
export function planHeadline(steps: readonly Step[]): string {
  const t = tally(steps);
  const starts = startsOf(t);
  const startParts = breakdown(t, {
    createApprove: 'create and approve',
    create: 'create',
    approve: 'approve',
    resume: 'resume',
  });
  const stopParts = breakdown(t, { pause: 'pause', cancel: 'cancel: irreversible', archive: 'archive' });
  const upload = uploadsPhrase(steps);
  const start = `${upload ? `${upload}, start` : 'Would start'} ${plural(starts, 'billable project')}`;
  return `${start}${startParts} and stop ${stopsOf(t)}${stopParts}. ${rest(t)}`;
}

/** An apply's first sentence, from what each item did. */
export function doneHeadline(steps: readonly Step[], results: readonly ItemResult[]): string {
  const done = steps.filter((_, i) => results[i]?.error === undefined && results[i]?.changed);
  const t = tally(done);
  const all = tally(steps);
  const failed = results.filter((r) => r.error !== undefined).length;
  const startParts = breakdown(t, {
    createApprove: 'created and approved',
    create: 'created',
    approve: 'approved',
    resume: 'resumed',
  });
  const stopParts = breakdown(t, { pause: 'paused', cancel: 'canceled', archive: 'archived' });
  const unchanged = results.filter((r, i) => r.error === undefined && !r.changed && steps[i]?.planned !== 'skip');
  const uploaded = uploadsPhrase(
    steps.filter((_, i) => results[i]?.uploaded),
    'Uploaded',
  );
  return `${uploaded ? `${uploaded}; started` : 'Started'} ${plural(startsOf(t), 'billable project')}${startParts} and stopped ${stopsOf(t)}${stopParts}; ${unchanged.length} unchanged, ${all.skip} skipped, ${failed} failed.`;
}

function rest(t: Tally): string {
  return `${t.exists} unchanged, ${t['not-uploaded']} not uploaded yet, ${t.skip} skipped, ${t.failed} failed.`;
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
    } else if (step.planned === 'upload' && item.kind) {
      starts.push(uploadLine(step, templates(item.kind.template)));
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
