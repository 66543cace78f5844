/**
 * One directory becomes one dataset (rules 36 and 37): its Git LFS files
 * fetched, every file staged under the dataset's name, then the dataset made.
 * A failure anywhere before the last step makes no dataset.
 */
import { join } from 'node:path';
import type { AvalaClient } from '../api/client.ts';
import { StorageClient } from '../api/storage.ts';
import type { Dataset } from '../api/types.ts';
import { formatBytes, plural } from '../procedures/words.ts';
import { UploadError } from './errors.ts';
import { sendFiles } from './files.ts';
import { type LfsSettings, pullLfs } from './lfs.ts';
import { Progress } from './progress.ts';
import { type DirScan, scanDirectory } from './scan.ts';

/** How a run uploads: where the checkout is, how many files at once, and Git LFS's credentials. */
export interface UploadSettings {
  workspace: string;
  workers: number;
  lfs: LfsSettings;
}

export interface DirUpload {
  /** The directory, workspace-relative: what the log and results name. */
  dir: string;
  owner: string;
  slug: string;
  dataType: 'image' | 'video' | 'lidar';
  /** The directory as the plan read it. */
  scan: DirScan;
}

export async function uploadDirectory(
  u: DirUpload,
  s: UploadSettings & { retries: number },
  api: AvalaClient,
  log: (message: string) => void,
): Promise<Dataset> {
  if (!api.storage) throw new Error('No storage options: the client was made without them.');
  const storage = new StorageClient(api.storage);
  const scan = u.scan.pointers > 0 ? await fetchLfs(u, s, api.storage.timeoutMs) : u.scan;
  const progress = new Progress(u.dir, scan.files.length, scan.bytes, log);
  progress.start(
    `as dataset ${u.owner}/${u.slug} (${u.dataType}), ${Math.min(s.workers, scan.files.length)} at a time`,
  );
  api.uploading = () => progress.describe();
  let ended: ReturnType<Progress['stop']>;
  try {
    await sendFiles(
      scan.files,
      { ...u, datasetName: u.slug, workers: s.workers, retries: s.retries, log },
      api,
      storage,
      progress,
    );
  } finally {
    api.uploading = undefined;
    // A failed directory's progress lines end with it, not in the next directory's group.
    ended = progress.stop();
  }
  const { seconds, said } = ended;
  const dataset = await (await api.uploads()).createDataset({
    name: u.slug,
    slug: u.slug,
    dataType: u.dataType,
    owner: u.owner,
  });
  log(
    `Uploaded ${u.dir} in ${seconds.toFixed(1)} s (${said}): dataset ${u.owner}/${u.slug} is ${dataset.uid}, status ${JSON.stringify(dataset.status ?? null)}.`,
  );
  return dataset;
}

/** Fetches the directory's Git LFS files, then reads it again: what is uploaded is what the fetch left. */
async function fetchLfs(u: DirUpload, s: UploadSettings, timeoutMs: number): Promise<DirScan> {
  const first = u.scan.files.find((file) => file.pointer);
  const pointers = plural(u.scan.pointers, 'Git LFS file');
  const failed = await pullLfs(s.workspace, u.dir, { ...s.lfs, timeoutMs });
  if (failed) {
    throw new UploadError(
      'upload-failed',
      `${u.dir}/${first?.path}: a Git LFS pointer, and ${pointers} could not be fetched: ${failed}. Nothing of ${u.dir} was uploaded.`,
    );
  }
  const again = scanDirectory(join(s.workspace, u.dir), u.dir);
  if (again.problem) throw new UploadError('upload-failed', again.problem);
  const left = again.files.find((file) => file.pointer);
  if (left) {
    throw new UploadError(
      'upload-failed',
      `${u.dir}/${left.path} is still a Git LFS pointer after git lfs pull (${plural(again.pointers, 'pointer')} left, of ${formatBytes(again.bytes)}): its object is not on the server, or Git LFS does not track it. Nothing of ${u.dir} was uploaded.`,
    );
  }
  return again;
}
