/**
 * Avala's manual upload, steps 1 and 3 of avala-api.md's "The upload protocol":
 * a presigned target per file, files staged per account and dataset name, and
 * the dataset made from them. Step 2, the targets themselves, is storage.ts.
 */
import { createHmac, randomBytes } from 'node:crypto';
import type { Datasets, StoredDataset } from './datasets.ts';
import type { FilePart } from './multipart.ts';
import type { Reply } from './routes.ts';
import { ACCOUNTS, type Account } from './seed.ts';
import { checkCreate, checkPresign, contentTypeOf, jsonObject } from './upload-checks.ts';

/** Where targets live: on the emulator's own origin, so a client's allow-list of base-url's host accepts them. */
export const STORAGE = '/__storage/';
const PRESIGN = '/api/v1/datasets/manual-upload/file-upload-url/';
const CREATE = '/api/v1/datasets/manual-upload/';

export interface Target {
  token: string;
  owner: string;
  datasetName: string;
  path: string;
  contentLength: number;
  /** The form fields the upload must carry, in this order, before the file. */
  fields: Array<[string, string]>;
  /** A target takes one request, whatever its outcome: a retry has to ask for a fresh one. */
  used: boolean;
}

export interface StagedFile {
  path: string;
  /** The storage key the presign named. */
  key: string;
  size: number;
  md5: string;
  /** The file part's own name and type, as the client sent them. */
  filename?: string;
  contentType?: string;
}

/** When a dataset made by an upload turns `created`: after `reads` reads of it or `afterMs`, whichever first; neither: never. */
export interface Readiness {
  reads?: number;
  afterMs?: number;
}

export interface UploadOptions {
  /** Bytes an account may hold (staged and in uploaded datasets); default 1 TiB. */
  quotaBytes?: number;
  /** Default: the second read shows `created`. */
  readiness?: Readiness;
}

export class Uploads {
  quotaBytes = 0;
  readiness: Readiness = {};
  /** Every target handed out since the last reset, by token. */
  readonly targets = new Map<string, Target>();
  readonly #options: UploadOptions;
  readonly #datasets: Datasets;
  /** Staged files by JSON [owner, dataset name], then by path. */
  readonly #staged = new Map<string, Map<string, StagedFile>>();
  /** The files of each dataset made by an upload, by its uid. */
  readonly #made = new Map<string, { owner: string; files: StagedFile[] }>();
  readonly #secret = randomBytes(32);

  constructor(datasets: Datasets, options: UploadOptions = {}) {
    this.#datasets = datasets;
    this.#options = options;
    this.reset();
  }

  /** No targets, nothing staged, and the quota and readiness the emulator was started with. */
  reset(): void {
    this.targets.clear();
    this.#staged.clear();
    this.#made.clear();
    this.quotaBytes = this.#options.quotaBytes ?? 2 ** 40;
    this.readiness = { ...(this.#options.readiness ?? { reads: 2 }) };
  }

  /** The files staged for a dataset name of an owner's, in the order first staged. */
  staged(owner: string, datasetName: string): StagedFile[] {
    return [...(this.#staged.get(JSON.stringify([owner, datasetName]))?.values() ?? [])];
  }

  /** The files a dataset was made from, by its uid; empty for any other dataset. */
  filesOf(uid: string): StagedFile[] {
    return [...(this.#made.get(uid)?.files ?? [])];
  }

  /** What counts against the quota: files staged and files of datasets made by an upload. */
  usedBytes(owner: string): number {
    let total = 0;
    for (const [key, files] of this.#staged) {
      if ((JSON.parse(key) as string[])[0] === owner) for (const file of files.values()) total += file.size;
    }
    for (const made of this.#made.values()) if (made.owner === owner) for (const file of made.files) total += file.size;
    return total;
  }

  /** The answer to an upload route, or undefined for any other path. */
  route(account: Account, method: string, path: string, body: string, origin: string): Reply | undefined {
    const { pathname } = new URL(path, 'http://emulator');
    if (pathname !== PRESIGN && pathname !== CREATE) return undefined;
    if (method !== 'POST') return { status: 405, body: { detail: `Method "${method}" not allowed.` } };
    const parsed = jsonObject(body);
    if ('reply' in parsed) return parsed.reply;
    return pathname === PRESIGN ? this.#presign(account, parsed.ok, origin) : this.#create(account, parsed.ok);
  }

  /** Marks a target used and returns it as it was: undefined for a token never handed out. */
  claim(token: string): Target | undefined {
    const target = this.targets.get(token);
    if (!target) return undefined;
    const before = { ...target };
    target.used = true;
    return before;
  }

  /** A file the storage took: it replaces any staged before at the same path. */
  stage(target: Target, file: FilePart): StagedFile {
    const key = JSON.stringify([target.owner, target.datasetName]);
    const files = this.#staged.get(key) ?? new Map<string, StagedFile>();
    this.#staged.set(key, files);
    const staged: StagedFile = { path: target.path, key: fieldOf(target, 'key') ?? '', size: file.size, md5: file.md5 };
    if (file.filename !== undefined) staged.filename = file.filename;
    if (file.contentType !== undefined) staged.contentType = file.contentType;
    files.set(target.path, staged);
    return staged;
  }

  #presign(account: Account, body: Record<string, unknown>, origin: string): Reply {
    const checked = checkPresign(body);
    if ('reply' in checked) return checked.reply;
    const { datasetName, path, contentLength } = checked.ok;
    const owner = account.username;
    const replaced = this.#staged.get(JSON.stringify([owner, datasetName]))?.get(path)?.size ?? 0;
    if (this.usedBytes(owner) - replaced + contentLength > this.quotaBytes) {
      return { status: 413, body: { detail: 'Uploading this file would exceed your storage quota.' } };
    }
    const token = randomBytes(18).toString('base64url');
    const fields = this.#fields(`manual-uploads/${owner}/${datasetName}/${path}`, path, contentLength);
    this.targets.set(token, { token, owner, datasetName, path, contentLength, fields, used: false });
    return { status: 200, body: { url: `${origin}${STORAGE}${token}`, fields: Object.fromEntries(fields) } };
  }

  /** S3's presigned POST fields, in boto3's order; the signature is the emulator's, over the policy. */
  #fields(key: string, path: string, contentLength: number): Array<[string, string]> {
    const now = new Date();
    const date = now.toISOString().replace(/[-:]|\.\d+/g, '');
    const credential = `AKIAEMULATOR/${date.slice(0, 8)}/us-east-1/s3/aws4_request`;
    const type = contentTypeOf(path);
    const typed: Array<[string, string]> = type ? [['Content-Type', type]] : [];
    const amz: Array<[string, string]> = [
      ['x-amz-algorithm', 'AWS4-HMAC-SHA256'],
      ['x-amz-credential', credential],
      ['x-amz-date', date],
    ];
    const conditions = [
      { bucket: 'avala-emulator-uploads' },
      ...[['key', key], ...typed, ...amz].map(([name, value]) => ({ [name as string]: value })),
      ['content-length-range', contentLength, contentLength],
    ];
    const expiration = new Date(now.getTime() + 3_600_000).toISOString();
    const policy = Buffer.from(JSON.stringify({ expiration, conditions })).toString('base64');
    const signature = createHmac('sha256', this.#secret).update(policy).digest('hex');
    return [['key', key], ...typed, ...amz, ['policy', policy], ['x-amz-signature', signature]];
  }

  #create(account: Account, body: Record<string, unknown>): Reply {
    const checked = checkCreate(body);
    if ('reply' in checked) return checked.reply;
    const { name, slug, dataType } = checked.ok;
    const owner = checked.ok.owner ?? account.username;
    // A key creates under its own account only: 404 for an owner Avala does not have, 403 for another's.
    if (owner !== account.username) {
      return ACCOUNTS.some((a) => a.username === owner)
        ? { status: 403, body: { detail: 'You do not have permission to perform this action.' } }
        : { status: 404, body: { detail: 'Not found.' } };
    }
    if ([...this.#datasets.byUid.values()].some((d) => d.owner_name === owner && d.slug === slug)) {
      return { status: 409, body: { detail: 'A dataset with this slug already exists.' } };
    }
    const key = JSON.stringify([owner, name]);
    const files = [...(this.#staged.get(key)?.values() ?? [])];
    if (files.length === 0) return { status: 400, body: { detail: `No files have been uploaded for "${name}".` } };
    const ready: Partial<StoredDataset> = {};
    if (this.readiness.reads !== undefined) ready.readsLeft = this.readiness.reads;
    if (this.readiness.afterMs !== undefined) ready.readyAt = Date.now() + this.readiness.afterMs;
    const {
      readsLeft: _reads,
      readyAt: _at,
      ...dataset
    } = this.#datasets.add({
      slug,
      name,
      data_type: dataType,
      status: 'creating',
      item_count: files.length,
      owner_name: owner,
      visibility: 'private',
      ...ready,
    });
    this.#staged.delete(key);
    this.#made.set(dataset.uid, { owner, files });
    return { status: 201, body: dataset };
  }
}

function fieldOf(target: Target, name: string): string | undefined {
  return target.fields.find(([field]) => field === name)?.[1];
}
