/** Rule 40: the datasets a run needs are waited for together, so wait-for-dataset bounds the run's whole wait. */
import type { AvalaClient } from '../api/client.ts';
import { type Dataset, type DatasetRef, type Project, showRef } from '../api/types.ts';
import { stopsTheRun } from './batch.ts';
import { DatasetError, findDataset, MAX_POLL_MS, quote, type Readiness } from './datasets.ts';
import { findByNames } from './lookup.ts';
import type { Reporter } from './reporter.ts';

/** A dataset that was waited for: ready, or why not. */
export type Waited = { ready: Dataset } | { error: unknown };

/**
 * Rule 40: the datasets not ready yet are read again together, round after
 * round (1 s, 2 s, 4 s, … at most 10 s apart), so `waitMs` bounds the whole
 * wait, not each dataset's. Returns, in the order given, each dataset as last
 * read, or why it is not ready. Only a failure every read would meet is thrown.
 */
export async function waitForDatasets(
  api: AvalaClient,
  wanted: ReadonlyArray<{ ref: DatasetRef; dataset: Dataset }>,
  report: Reporter,
  r: Readiness,
): Promise<Waited[]> {
  const out: Waited[] = wanted.map(({ dataset }) => ({ ready: dataset }));
  let waiting = wanted.flatMap(({ dataset }, i) => (dataset.status === 'created' ? [] : [i]));
  if (waiting.length === 0 || r.waitMs === 0 || r.dryRun) return out;
  const sleep = r.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const now = r.now ?? Date.now;
  const deadline = now() + r.waitMs;
  for (let pause = 1000; waiting.length > 0; pause = Math.min(pause * 2, MAX_POLL_MS)) {
    const left = deadline - now();
    if (left <= 0) {
      for (const i of waiting) {
        const { ref } = wanted[i] as { ref: DatasetRef };
        const last = (out[i] as { ready: Dataset }).ready;
        out[i] = {
          error: new DatasetError(
            'dataset-not-ready',
            `Dataset ${showRef(ref)} is still not created (status ${quote(last.status)}) after ${r.waitMs / 1000} s (wait-for-dataset): nothing was cloned for it.`,
          ),
        };
      }
      break;
    }
    const ms = Math.min(pause, left);
    const names = waiting.map((i) => showRef((wanted[i] as { ref: DatasetRef }).ref));
    report.info(
      `${names.length === 1 ? `Dataset ${names[0]} is` : `${names.length} datasets are`} not created yet; reading ${names.length === 1 ? 'it' : 'them'} again in ${(ms / 1000).toFixed(1)} s`,
    );
    await sleep(ms);
    const still: number[] = [];
    for (const i of waiting) {
      const { dataset } = wanted[i] as { dataset: Dataset };
      try {
        const again = await findDataset(api, { uid: dataset.uid });
        out[i] = { ready: again };
        if (again.status !== 'created') still.push(i);
      } catch (error) {
        if (stopsTheRun(error)) throw error;
        out[i] = { error };
      }
    }
    waiting = still;
  }
  return out;
}

/**
 * Rule 40 for a clone of several datasets: those of the items that will make a
 * project (none found by name) are read, then waited for together. Returns what
 * each clone reads instead, by reference as shown, and the lookups it need not repeat.
 */
export async function waitForItems(
  api: AvalaClient,
  items: ReadonlyArray<{ name: string; refs: DatasetRef[] }>,
  owner: string | undefined,
  report: Reporter,
  r: Readiness,
): Promise<{ waited: Map<string, Waited>; existing: Map<string, Project | null> }> {
  const existing = new Map<string, Project | null>();
  if (owner) {
    const lookups = await findByNames(
      api,
      owner,
      items.map((item) => item.name),
    );
    for (const item of items) {
      if (!lookups.failed.has(item.name)) existing.set(item.name, lookups.found.get(item.name) ?? null);
    }
  }
  const refs = new Map<string, DatasetRef>();
  for (const item of items) {
    if (existing.get(item.name)) continue;
    for (const ref of item.refs) refs.set(showRef(ref), ref);
  }
  const waited = new Map<string, Waited>();
  const read: Array<{ ref: DatasetRef; dataset: Dataset }> = [];
  for (const [shown, ref] of refs) {
    try {
      read.push({ ref, dataset: await findDataset(api, ref) });
    } catch (error) {
      if (stopsTheRun(error)) throw error;
      waited.set(shown, { error });
    }
  }
  const results = await waitForDatasets(api, read, report, r);
  for (const [i, { ref }] of read.entries()) waited.set(showRef(ref), results[i] as Waited);
  return { waited, existing };
}
