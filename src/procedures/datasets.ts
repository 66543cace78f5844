/** The datasets and slices a clone attaches: read by reference, and the field each goes in (wait.ts waits for them). */
import type { AvalaClient } from '../api/client.ts';
import { type Dataset, type DatasetRef, showRef } from '../api/types.ts';
import { ActionError } from '../errors.ts';
import { show } from '../inputs/errors.ts';

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

/** A status or type from the API, as a message shows it: quoted, escaped and short; (none) when missing. */
export function quote(value: unknown): string {
  return typeof value === 'string' ? show(value) : '(none)';
}

/** A dataset by reference; dataset-not-found when Avala has none. */
export async function findDataset(api: AvalaClient, ref: DatasetRef): Promise<Dataset> {
  const dataset = await api.dataset(ref);
  if (!dataset) throw new DatasetError('dataset-not-found', `Dataset ${showRef(ref)} not found.`);
  return dataset;
}
