/**
 * Directories and `projects` entries become projects (rules 21–23, 28–30 and
 * 33–40). What Avala holds is read first; the plan, one step per dataset, is
 * made from it; the caps are counted on it (rules 29 and 34); then a plan is
 * told, or the apply sends the steps: stops first, then the approvals and
 * resumes, then the uploads (rule 36), then the creates.
 */
import type { AvalaClient } from '../api/client.ts';
import type { Project } from '../api/types.ts';
import { describeFailure } from '../errors.ts';
import { notTried, stopsTheRun } from './batch.ts';
import type { Reporter } from './reporter.ts';
import { type ItemResult, PartialFailure, type ProcedureResult } from './result.ts';
import { applySteps, planResults } from './sync-apply.ts';
import { capsError, deferOverMax } from './sync-caps.ts';
import { checkTemplates, findOrphans, type Held, readHoldings } from './sync-holdings.ts';
import { type ApplyOptions, planStep, type Step, type SyncItem } from './sync-plan.ts';
import { doneHeadline, lineText, planHeadline, planLines, templateNames } from './sync-report.ts';
import type { UploadSettings } from './sync-upload.ts';
import { plural } from './words.ts';

export type { DirItem, Kind, SyncItem } from './sync-plan.ts';

export interface SyncOptions extends ApplyOptions {
  /** With upload: how the directories Avala has no dataset for are uploaded. */
  upload?: UploadSettings | undefined;
  /** How often a failed request is tried again: an upload's target requests follow it too. */
  retries?: number;
  owner: string;
  items: SyncItem[];
  /** The most billable starts (creates, approvals, resumes) one run may make. */
  maxNew: number;
  /** The most stops (pauses, cancels, archives) one run may send; undefined: no stop can be planned. */
  maxStops?: number;
  /** config with orphans: report: the slug a project name was made for, when the name pattern gives it. */
  orphanSlug?: ((name: string) => string | undefined) | undefined;
  /** Warns of matched directories that hold only directories; given those with no project yet (the rest are datasets). */
  checkShallow?: (dirs: string[]) => Promise<void>;
  /** config: the orphans output is set, empty where none were looked for. */
  orphansOutput?: boolean;
}

export async function sync(s: SyncOptions, api: AvalaClient, report: Reporter): Promise<ProcedureResult> {
  let held: Held;
  try {
    held = await readHoldings(s, api, report);
  } catch (error) {
    // A failure every item would meet alike (a key refused, another origin) stops the run before any change.
    if (!stopsTheRun(error)) throw error;
    return failedEvery(s, error, { alike: false, missingDatasets: [] });
  }
  let planned = s.items.map((item, i) => planStep(item, held.found[i] ?? {}));
  if (s.upload) {
    // Loaded only by a run that may upload: the others need not pay for its code at start-up.
    const { ownerProblem, planUploads } = await import('./sync-upload.ts');
    planned = planUploads(planned, s.upload);
    const owner = ownerProblem(planned, s.owner, held.lookups);
    if (owner) return failedEvery(s, owner, { alike: true, missingDatasets: missingOf(planned) });
  }
  const steps = deferOverMax(planned, s.maxNew, s.dryRun);
  const orphans =
    held.lookups.listed && s.orphanSlug
      ? findOrphans(s, held.lookups.listed, steps)
      : // A listing that failed leaves the orphans unknown, which an empty output would hide.
        s.orphansOutput && held.lookups.listingError === undefined
        ? []
        : undefined;
  await s.checkShallow?.(steps.filter((p) => p.item.kind && !p.project).map((p) => p.item.input));
  const templates = templateNames(held.lookups.listed);
  checkTemplates(s, held.lookups, report);
  if (held.lookups.ownerMissing && !steps.some((step) => step.dataset || step.project)) {
    report.warning(
      `Avala answered 404 for ${s.owner}'s projects: no such owner, or none that this key may see. Check owner (it is the account that owns the template and the datasets).`,
      'Avala owner not found',
    );
  }
  const missingDatasets = missingOf(steps);
  const guard = capsError(steps, s);
  // A plan, and an apply over a cap, tell the plan whole: what it would have done, then why it did nothing.
  const lines = s.dryRun || guard ? planLines(steps, orphans, templates) : [];
  for (const line of lines) report.info(lineText(line));
  if (guard && !s.dryRun) {
    report.info(planHeadline(steps));
    const items = steps.map((p) => ({ input: p.item.input, datasetUid: p.dataset?.uid ?? null, error: guard }));
    const nothing = { created: false, changed: false, projects: [], missingDatasets, ...orphansOf(orphans) };
    throw new PartialFailure(guard, { summary: planHeadline(steps), lines, items, ...nothing });
  }
  const items: ItemResult[] = s.dryRun
    ? await planResults(steps, s, api, report)
    : await applySteps(steps, s, api, report);
  const projects = items.flatMap((r) => (r.project ? [r.project] : []));
  const result: ProcedureResult = {
    summary: s.dryRun ? planHeadline(steps) : doneHeadline(steps, items),
    items,
    projects,
    ...(projects.length === 1 && items.length === 1 ? { project: projects[0] } : {}),
    created: items.some((r) => r.created),
    changed: items.some((r) => r.changed),
    missingDatasets: s.dryRun ? missingDatasets : missingOf(steps, items),
    ...(s.upload ? { uploadedDatasets: items.filter((r) => r.uploaded).map((r) => r.input) } : {}),
    ...orphansOf(orphans),
    ...(lines.length > 0 ? { lines } : {}),
  };
  if (guard) throw new PartialFailure(guard, result);
  return result;
}

function orphansOf(orphans: Project[] | undefined): { orphans?: Project[] } {
  return orphans ? { orphans } : {};
}

/** The directories Avala has no dataset for (rule 39): before the run, or, given its items, after it (uploads made). */
function missingOf(steps: readonly Step[], items?: readonly ItemResult[]): string[] {
  return steps.filter((p, i) => p.missing && !items?.[i]?.uploaded).map((p) => p.item.input);
}

/**
 * A failure that fails every item before anything is sent: a key refused while
 * reading (the first item's, the rest not tried), or an owner no upload may go
 * to (every item's alike).
 */
function failedEvery(
  s: SyncOptions,
  error: unknown,
  o: { alike: boolean; missingDatasets: string[] },
): ProcedureResult {
  const items: ItemResult[] = s.items.map((item, i) => ({
    input: item.input,
    datasetUid: null,
    error: o.alike || i === 0 ? error : notTried(error),
    ...(s.dryRun ? { planned: 'failed' as const } : {}),
  }));
  const { code } = describeFailure(error);
  const summary = o.alike
    ? `${plural(items.length, 'dataset')}: nothing uploaded, created or changed, since ${code} fails every one.`
    : `${plural(items.length, 'dataset')}: stopped before any change, since ${code} would fail every one.`;
  return { summary, items, projects: [], created: false, changed: false, missingDatasets: o.missingDatasets };
}
