/** The datasets and slices a clone attaches: references resolved to UIDs, and datasets waited for. */
import type { AvalaClient } from '../api/client.ts';
import { type CloneRequest, type Dataset, type DatasetRef, showRef } from '../api/types.ts';
import { ActionError } from '../errors.ts';
import { show } from '../inputs/errors.ts';
import type { Reporter } from './reporter.ts';

/** An item that fails for its dataset: it was not found, did not become ready, or is of a kind no field takes. */
export class DatasetError extends ActionError {
  override readonly name = 'DatasetError';
  declare readonly errorCode: 'dataset-not-found' | 'dataset-not-ready' | 'unsupported-dataset';

  constructor(errorCode: DatasetError['errorCode'], message: string) {
    super(errorCode, message);
  }
}

/** What one clone attaches, each by UID or owner/slug. */
export interface Attachments {
  image?: DatasetRef | undefined;
  lidar?: DatasetRef | undefined;
  slice?: DatasetRef | undefined;
  /** A dataset whose field follows its data_type: image and video as image, lidar as LiDAR. */
  auto?: DatasetRef | undefined;
}

/** Which clone field takes a dataset of each type. */
const FIELD_OF_TYPE: Record<string, 'image_dataset_uid' | 'lidar_dataset_uid'> = {
  image: 'image_dataset_uid',
  video: 'image_dataset_uid',
  lidar: 'lidar_dataset_uid',
};

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
export const MAX_POLL_MS = 10_000;

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

/** The clone field a discovered dataset goes in, by its data_type; unsupported-dataset for any other type. */
export function fieldFor(ref: DatasetRef, dataset: Dataset): 'image_dataset_uid' | 'lidar_dataset_uid' {
  const type = dataset.data_type;
  // Own keys only: a type such as "constructor" must not find Object's.
  const field = typeof type === 'string' && Object.hasOwn(FIELD_OF_TYPE, type) ? FIELD_OF_TYPE[type] : undefined;
  if (field) return field;
  throw new DatasetError(
    'unsupported-dataset',
    `Dataset ${showRef(ref)} is of type ${quote(dataset.data_type)}, which no project takes: image and video datasets go in image_dataset_uid, lidar in lidar_dataset_uid.`,
  );
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
  let dataset = first && first !== 'read' ? first : await findDataset(api, ref);
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
  const sleep = r.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const now = r.now ?? Date.now;
  const deadline = now() + r.waitMs;
  for (let pause = 1000; dataset.status !== 'created'; pause = Math.min(pause * 2, MAX_POLL_MS)) {
    const left = deadline - now();
    if (left <= 0) {
      throw new DatasetError(
        'dataset-not-ready',
        `Dataset ${shown} is still not created (status ${quote(dataset.status)}) after ${r.waitMs / 1000} s (wait-for-dataset): nothing was cloned for it.`,
      );
    }
    const ms = Math.min(pause, left);
    report.info(
      `Dataset ${shown} is not created yet (status ${quote(dataset.status)}); reading it again in ${(ms / 1000).toFixed(1)} s`,
    );
    await sleep(ms);
    dataset = await findDataset(api, { uid: dataset.uid });
  }
  return dataset;
}

/** A status or type from the API, as a message shows it: quoted, escaped and short; (none) when missing. */
export function quote(value: unknown): string {
  return typeof value === 'string' ? show(value) : '(none)';
}

async function sliceUid(ref: DatasetRef, api: AvalaClient): Promise<string> {
  if ('uid' in ref) return ref.uid;
  const slice = await api.slice(ref);
  if (!slice) throw new DatasetError('dataset-not-found', `Slice ${showRef(ref)} not found.`);
  return slice.uid;
}

/** A dataset by reference; dataset-not-found when Avala has none. */
export async function findDataset(api: AvalaClient, ref: DatasetRef): Promise<Dataset> {
  const dataset = await api.dataset(ref);
  if (!dataset) throw new DatasetError('dataset-not-found', `Dataset ${showRef(ref)} not found.`);
  return dataset;
}
