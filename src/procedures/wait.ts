/**
 * Readiness: the datasets a clone attaches, resolved and ready (status
 * `created`). Rule 40: those a run needs are waited for together, so
 * wait-for-dataset bounds the run's whole wait.
 */
import type { AvalaClient } from '../api/client.ts';
import { type CloneRequest, type Dataset, type DatasetRef, type Project, showRef } from '../api/types.ts';
import { stopsTheRun } from './batch.ts';
import { type Attachments, DatasetError, fieldFor, findDataset, quote } from './datasets.ts';
import { findByNames } from './lookup.ts';
import type { Reporter } from './reporter.ts';

export interface Readiness {
  /** Datasets already waited for together (rule 40), by reference as shown: ready, or why not. */
  waited?: ReadonlyMap<string, { ready: Dataset } | { error: unknown }> | undefined;
  /** How long to wait for each dataset to be `created`; 0 does not wait. */
  waitMs: number;
  dryRun: boolean;
  sleep?: (ms: number) => Promise<void>;
  now?: () => number;
}

/** The longest pause between two reads of a dataset that is not ready yet. */
const MAX_POLL_MS = 10_000;

/** The clone body's dataset fields, each reference resolved and each dataset ready. */
export async function resolveAttachments(
  data: Attachments,
  api: AvalaClient,
  report: Reporter,
  readiness: Readiness,
  /** The dataset of `data.auto`, when the plan has read it already. */
  known?: Dataset,
): Promise<Pick<CloneRequest, 'image_dataset_uid' | 'lidar_dataset_uid' | 'slice_uid'>> {
  const image = data.image && (await readyDataset(data.image, api, report, readiness)).uid;
  const lidar = data.lidar && (await readyDataset(data.lidar, api, report, readiness)).uid;
  const slice = data.slice && (await sliceUid(data.slice, api));
  const auto = data.auto && (await readyDataset(data.auto, api, report, readiness, known ?? 'read'));
  const field = auto && fieldFor(data.auto as DatasetRef, auto);
  return {
    ...(image ? { image_dataset_uid: image } : {}),
    ...(lidar ? { lidar_dataset_uid: lidar } : {}),
    ...(slice ? { slice_uid: slice } : {}),
    ...(auto && field ? { [field]: auto.uid } : {}),
  };
}

/**
 * The dataset's UID once it is `created` (a missing status is not): read after
 * 1 s, 2 s, 4 s, … (at most 10 s apart) until it is, or until `waitMs` has
 * passed. A slug's lookup counts as the first read; without a wait, a UID is
 * not read at all unless `first` says to, or hands the first read over.
 */
async function readyDataset(
  ref: DatasetRef,
  api: AvalaClient,
  report: Reporter,
  r: Readiness,
  first?: Dataset | 'read',
): Promise<Dataset> {
  const shown = showRef(ref);
  const waited = r.waited?.get(shown);
  if (waited && 'error' in waited) throw waited.error;
  if (waited) return waited.ready;
  if ('uid' in ref && !first && (r.waitMs === 0 || r.dryRun)) return ref;
  const dataset = first && first !== 'read' ? first : await findDataset(api, ref);
  if (dataset.status === 'created') return dataset;
  if (r.waitMs === 0 || r.dryRun) {
    const then = r.dryRun
      ? 'a run waits for it with wait-for-dataset, or clones onto it anyway without'
      : 'cloning onto it anyway (wait-for-dataset waits for it)';
    report.warning(
      `Dataset ${shown} is not created yet (status ${quote(dataset.status)}): ${then}.`,
      'Avala dataset not ready',
    );
    return dataset;
  }
  const [waitedNow] = await waitForDatasets(api, [{ ref, dataset }], report, r);
  if (!waitedNow || 'error' in waitedNow) throw waitedNow?.error;
  return waitedNow.ready;
}

async function sliceUid(ref: DatasetRef, api: AvalaClient): Promise<string> {
  if ('uid' in ref) return ref.uid;
  const slice = await api.slice(ref);
  if (!slice) throw new DatasetError('dataset-not-found', `Slice ${showRef(ref)} not found.`);
  return slice.uid;
}

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
    const [only] = waiting.length === 1 ? waiting : [];
    const what =
      only === undefined
        ? `${waiting.length} datasets are not created yet; reading them again`
        : `Dataset ${showRef((wanted[only] as { ref: DatasetRef }).ref)} is not created yet (status ${quote((out[only] as { ready: Dataset }).ready.status)}); reading it again`;
    report.info(`${what} in ${(ms / 1000).toFixed(1)} s`);
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
