/** A run of several items, one after another: every item tried, unless a failure would fail them all. */
import { AvalaError } from '../api/errors.ts';
import type { Project } from '../api/types.ts';
import { ActionError } from '../errors.ts';
import type { Reporter } from './reporter.ts';
import { type ItemResult, PartialFailure, type ProcedureResult } from './result.ts';

export interface Item {
  input: string;
  datasetUid: string | null;
  /** The log group's title for this item. */
  title: string;
  /** False for an item with nothing to do: its one line needs no group of its own. */
  group?: boolean;
  run(): Promise<ProcedureResult>;
}

/** An item left out because an earlier one failed in a way that would fail it too. */
export class NotTriedError extends ActionError {
  override readonly name = 'NotTriedError';

  constructor(message: string) {
    super('not-tried', message);
  }
}

export async function runItems(items: Item[], report: Reporter): Promise<ItemResult[]> {
  const results: ItemResult[] = [];
  let stop: unknown;
  for (const item of items) {
    const { input } = item;
    if (stop) {
      results.push({ input, datasetUid: item.datasetUid, error: notTried(stop) });
      continue;
    }
    try {
      const done = item.group === false ? await item.run() : await report.group(item.title, item.run);
      const { summary, project, created, changed } = done;
      results.push({ input, datasetUid: done.datasetUid ?? item.datasetUid, summary, project, created, changed });
    } catch (thrown) {
      // A failure after part of the work (a project created, its approve refused) keeps what was made.
      const partial: Partial<ProcedureResult> = thrown instanceof PartialFailure ? thrown.result : {};
      const error = thrown instanceof PartialFailure ? thrown.cause : thrown;
      const { project, created, changed } = partial;
      results.push({ input, datasetUid: item.datasetUid, project, created, changed, error });
      if (stopsTheRun(error)) stop = error;
    }
  }
  return results;
}

/** A failure every other item would meet alike: a key refused, a plan or scope lacking, another origin. */
export function stopsTheRun(error: unknown): boolean {
  return error instanceof AvalaError && error.failsEveryItem;
}

/** What an item left out after such a failure says. */
export function notTried(stop: unknown): NotTriedError {
  const code = stop instanceof ActionError ? stop.errorCode : 'unexpected';
  return new NotTriedError(`Not tried: an earlier item failed with ${code}, which would fail it too.`);
}

/** The result of a run of items: their projects, and one sentence for the log. */
export function summarizeItems(results: ItemResult[], what: (counts: Counts) => string): ProcedureResult {
  const projects = results.flatMap((r): Project[] => (r.project ? [r.project] : []));
  const [only] = results;
  const failed = results.filter((r) => r.error !== undefined).length;
  const summary =
    results.length === 1 && only
      ? (only.summary ?? (only.error instanceof Error ? only.error.message : ''))
      : what({
          total: results.length,
          failed,
          created: count(results, 'created'),
          changed: count(results, 'changed'),
          existing: results.filter((r) => r.error === undefined && r.project && !r.created).length,
        });
  return {
    summary,
    items: results,
    projects,
    ...(projects.length === 1 && projects[0] ? { project: projects[0] } : {}),
    ...(results.some((r) => r.created !== undefined) ? { created: results.some((r) => r.created) } : {}),
    ...(results.some((r) => r.changed !== undefined) ? { changed: results.some((r) => r.changed) } : {}),
  };
}

export interface Counts {
  total: number;
  failed: number;
  created: number;
  changed: number;
  /** Items that ended on a project this run did not create. */
  existing: number;
}

function count(results: ItemResult[], field: 'created' | 'changed'): number {
  return results.filter((r) => r[field] === true).length;
}
