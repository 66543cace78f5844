/** The datasets and slices a clone attaches: references resolved to UIDs, and datasets waited for. */
import type { AvalaClient } from '../api/client.ts';
import { type CloneRequest, type Dataset, type DatasetRef, showRef } from '../api/types.ts';
import type { Reporter } from './reporter.ts';

/** An item that fails for its dataset: it was not found, did not become ready, or is of a kind no field takes. */
export class DatasetError extends Error {
  override readonly name = 'DatasetError';
  readonly errorCode: 'dataset-not-found' | 'dataset-not-ready' | 'unsupported-dataset';

  constructor(errorCode: DatasetError['errorCode'], message: string) {
    super(message);
    this.errorCode = errorCode;
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
): Promise<Pick<CloneRequest, 'image_dataset_uid' | 'lidar_dataset_uid' | 'slice_uid'>> {
  const image = data.image && (await readyDataset(data.image, api, report, readiness)).uid;
  const lidar = data.lidar && (await readyDataset(data.lidar, api, report, readiness)).uid;
  const slice = data.slice && (await sliceUid(data.slice, api));
  const auto = data.auto && (await discovered(data.auto, api, report, readiness));
  if (data.auto && !auto) return {};
  const field = auto && FIELD_OF_TYPE[auto.data_type ?? ''];
  if (auto && !field) {
    throw new DatasetError(
      'unsupported-dataset',
      `Dataset ${showRef(data.auto as DatasetRef)} is of type ${auto.data_type ?? 'unknown'}, which no project takes: image and video datasets go in image_dataset_uid, lidar in lidar_dataset_uid.`,
    );
  }
  return {
    ...(image ? { image_dataset_uid: image } : {}),
    ...(lidar ? { lidar_dataset_uid: lidar } : {}),
    ...(slice ? { slice_uid: slice } : {}),
    ...(auto && field ? { [field]: auto.uid } : {}),
  };
}

/**
 * The dataset's UID once it is `created`: read after 1 s, 2 s, 4 s, … (at most
 * 10 s apart) until it is, or until `waitMs` has passed. A slug's lookup counts
 * as the first read; without a wait, a UID is not read at all.
 */
async function readyDataset(
  ref: DatasetRef,
  api: AvalaClient,
  report: Reporter,
  r: Readiness & { read?: boolean },
): Promise<Dataset> {
  const shown = showRef(ref);
  if ('uid' in ref && !r.read && (r.waitMs === 0 || r.dryRun)) return ref;
  let dataset = await find(api, ref, shown);
  if (dataset.status === 'created' || dataset.status === undefined) return dataset;
  if (r.waitMs === 0 || r.dryRun) {
    report.warning(
      `Dataset ${shown} is ${dataset.status}, not created: cloning onto it anyway (wait-for-dataset waits for it).`,
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
        `Dataset ${shown} is still ${dataset.status} after ${r.waitMs / 1000} s (wait-for-dataset): nothing was cloned for it.`,
      );
    }
    const ms = Math.min(pause, left);
    report.info(`Dataset ${shown} is ${dataset.status}; reading it again in ${(ms / 1000).toFixed(1)} s`);
    await sleep(ms);
    dataset = await find(api, { uid: dataset.uid }, shown);
  }
  return dataset;
}

/**
 * A dataset found in a push, read for its type. In a dry run (a pull request's
 * plan) it may not be uploaded yet, which the upload on merge will mend: the
 * plan says so instead of failing.
 */
async function discovered(
  ref: DatasetRef,
  api: AvalaClient,
  report: Reporter,
  r: Readiness,
): Promise<Dataset | undefined> {
  try {
    return await readyDataset(ref, api, report, { ...r, read: true });
  } catch (error) {
    if (!r.dryRun || !(error instanceof DatasetError) || error.errorCode !== 'dataset-not-found') throw error;
    report.info(`Dataset ${showRef(ref)} is not in Avala yet: the plan assumes it is uploaded before the clone.`);
    return undefined;
  }
}

async function sliceUid(ref: DatasetRef, api: AvalaClient): Promise<string> {
  if ('uid' in ref) return ref.uid;
  const slice = await api.slice(ref);
  if (!slice) throw new DatasetError('dataset-not-found', `Slice ${showRef(ref)} not found.`);
  return slice.uid;
}

async function find(api: AvalaClient, ref: DatasetRef, shown: string): Promise<Dataset> {
  const dataset = await api.dataset(ref);
  if (!dataset) throw new DatasetError('dataset-not-found', `Dataset ${shown} not found.`);
  return dataset;
}
