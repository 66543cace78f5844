/**
 * The upload routes' bodies checked as Django REST framework would (every
 * field's errors at once, in its words), and a file's content type by extension.
 */
import { extname } from 'node:path';
import type { Reply } from './routes.ts';

export const DATA_TYPES = ['image', 'video', 'lidar', 'mcap', 'splat'] as const;
export type DataType = (typeof DATA_TYPES)[number];

/** A presigned POST's limit (S3's): one file of at most 5 GiB. */
export const MAX_FILE_BYTES = 5 * 1024 ** 3;

export type Checked<T> = { ok: T } | { reply: Reply };

export interface PresignRequest {
  datasetName: string;
  path: string;
  contentLength: number;
}

export interface CreateRequest {
  name: string;
  slug: string;
  dataType: DataType;
  /** Absent or null: the key's own account, as Avala's CLI does without --owner. */
  owner?: string;
}

export function jsonObject(raw: string): Checked<Record<string, unknown>> {
  try {
    const parsed: unknown = JSON.parse(raw);
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
      return { reply: { status: 400, body: { non_field_errors: ['Invalid data. Expected a dictionary.'] } } };
    }
    return { ok: parsed as Record<string, unknown> };
  } catch (error) {
    return { reply: { status: 400, body: { detail: `JSON parse error - ${(error as Error).message}` } } };
  }
}

class FieldErrors {
  readonly #errors: Record<string, string[]> = {};

  add(field: string, message: string): void {
    const messages = this.#errors[field] ?? [];
    messages.push(message);
    this.#errors[field] = messages;
  }

  /** A required, non-blank string of at most `max` characters; undefined after recording why not. */
  text(body: Record<string, unknown>, field: string, max: number): string | undefined {
    const value = body[field];
    if (value === undefined || value === null) this.add(field, 'This field is required.');
    else if (typeof value !== 'string') this.add(field, 'Not a valid string.');
    else if (value.trim() === '') this.add(field, 'This field may not be blank.');
    else if ([...value].length > max) this.add(field, `Ensure this field has no more than ${max} characters.`);
    else return value;
    return undefined;
  }

  checked<T>(value: T): Checked<T> {
    return Object.keys(this.#errors).length > 0 ? { reply: { status: 400, body: this.#errors } } : { ok: value };
  }
}

/** Why a file's path in the dataset is refused: it must stay inside the dataset whatever joins it. */
export function pathProblem(path: string): string | undefined {
  if (path.startsWith('/')) return 'it starts with /';
  if (path.includes('\\')) return 'it holds a backslash; parts are separated by /';
  if ([...path].some((c) => c < ' ' || c === '\x7f')) return 'it holds a control character';
  const parts = path.split('/');
  if (parts.some((part) => part === '..' || part === '.')) return 'it holds a . or .. part';
  if (parts.some((part) => part === '')) return 'it holds an empty part';
  // S3's limit on an object key, which holds the path.
  if (Buffer.byteLength(path) > 900) return 'it is over 900 bytes';
  return undefined;
}

export function checkPresign(body: Record<string, unknown>): Checked<PresignRequest> {
  const errors = new FieldErrors();
  const datasetName = errors.text(body, 'dataset_name', 255);
  const path = errors.text(body, 'file_path_in_dataset', 1024);
  const problem = path === undefined ? undefined : pathProblem(path);
  if (problem) errors.add('file_path_in_dataset', `Enter a path relative to the dataset: ${problem}.`);
  const length = body.content_length;
  if (length === undefined || length === null) errors.add('content_length', 'This field is required.');
  else if (typeof length !== 'number' || !Number.isSafeInteger(length)) {
    errors.add('content_length', 'A valid integer is required.');
  } else if (length < 0) errors.add('content_length', 'Ensure this value is greater than or equal to 0.');
  else if (length > MAX_FILE_BYTES) {
    errors.add('content_length', `Ensure this value is less than or equal to ${MAX_FILE_BYTES}.`);
  }
  return errors.checked({ datasetName, path, contentLength: length } as PresignRequest);
}

export function checkCreate(body: Record<string, unknown>): Checked<CreateRequest> {
  const errors = new FieldErrors();
  const name = errors.text(body, 'name', 255);
  const slug = errors.text(body, 'slug', 255);
  if (slug !== undefined && !/^[a-z0-9_-]+$/.test(slug)) {
    errors.add('slug', 'Enter a valid “slug” consisting of lower-case letters, numbers, underscores or hyphens.');
  }
  const dataType = body.data_type;
  if (dataType === undefined || dataType === null) errors.add('data_type', 'This field is required.');
  else if (!DATA_TYPES.includes(dataType as DataType)) {
    errors.add('data_type', `"${String(dataType)}" is not a valid choice.`);
  }
  // The SDK always sends private; Avala accepts nothing else for a manual upload.
  if (body.visibility !== undefined && body.visibility !== 'private') {
    errors.add('visibility', `"${String(body.visibility)}" is not a valid choice.`);
  }
  if (body.create_metadata !== undefined && typeof body.create_metadata !== 'boolean') {
    errors.add('create_metadata', 'Must be a valid boolean.');
  }
  const owner =
    body.owner_name === undefined || body.owner_name === null ? undefined : errors.text(body, 'owner_name', 255);
  const request = { name, slug, dataType } as CreateRequest;
  if (owner !== undefined) request.owner = owner;
  return errors.checked(request);
}

// Python's mimetypes.guess_type, which the SDK uses, for the kinds a dataset holds; other extensions get no type.
const TYPES: Record<string, string> = {
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.png': 'image/png',
  '.gif': 'image/gif',
  '.bmp': 'image/bmp',
  '.webp': 'image/webp',
  '.tif': 'image/tiff',
  '.tiff': 'image/tiff',
  '.mp4': 'video/mp4',
  '.mov': 'video/quicktime',
  '.avi': 'video/x-msvideo',
  '.webm': 'video/webm',
  '.json': 'application/json',
  '.txt': 'text/plain',
  '.csv': 'text/csv',
};

export function contentTypeOf(path: string): string | undefined {
  return TYPES[extname(path).toLowerCase()];
}
