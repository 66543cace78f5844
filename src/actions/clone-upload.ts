/**
 * `upload` and `data-type` beside dataset-dirs, or a config file's `upload`:
 * how the directories Avala has no dataset for are uploaded (rules 36–37).
 */
import { InputError } from '../inputs/errors.ts';
import type { InputReader } from '../inputs/inputs.ts';
import { parseBoolean, parseChoice } from '../inputs/validate.ts';
import type { UploadSettings } from '../procedures/sync-upload.ts';
import type { ParseContext } from './common.ts';

export const DATA_TYPES = ['image', 'video', 'lidar'] as const;
export type DataType = (typeof DATA_TYPES)[number];

/** The files one directory sends at once when nothing says otherwise: as Avala's SDK does. */
export const DEFAULT_WORKERS = 8;

/** What the inputs say of uploads beside dataset-dirs; throws an InputError before any request. */
export function parseUploadInputs(
  read: InputReader,
  dirs: boolean,
  context: ParseContext,
): { dataType?: DataType; upload?: UploadSettings } {
  const upload = parseBoolean('upload', read('upload'));
  const given = read('data-type');
  const dataType = given === '' ? undefined : parseChoice('data-type', given, DATA_TYPES);
  if ((upload || dataType) && !dirs) {
    const input = upload ? 'upload' : 'data-type';
    throw new InputError(
      input,
      `Invalid ${input}: it needs dataset-dirs (or a config file), whose directories are what is uploaded.`,
    );
  }
  if (upload && !dataType) {
    throw new InputError(
      'data-type',
      'Missing data-type: upload: true needs it to say what the datasets are: image, video or lidar.',
    );
  }
  return {
    ...(dataType ? { dataType } : {}),
    ...(upload ? { upload: uploadSettings(read, context, DEFAULT_WORKERS) } : {}),
  };
}

/** Where the checkout is, files at once, and what Git LFS fetches with (rule 37). */
export function uploadSettings(read: InputReader, context: ParseContext, workers: number): UploadSettings {
  const env = context.env ?? {};
  return {
    workspace: context.workflow.workspace ?? '',
    workers,
    lfs: { token: read('github-token'), serverUrl: env.GITHUB_SERVER_URL || 'https://github.com', env },
  };
}
