/**
 * Steps 1 and 3 of the upload protocol (avala-api.md): a presigned target per
 * file, and the dataset made from the files staged under its name. Both are
 * Avala requests, with the key, paced and retried as every other (rules 6, 20).
 */
import { AvalaError } from './errors.ts';
import type { HttpClient } from './http.ts';
import { parseDataset } from './shapes.ts';
import { isObject, shorten } from './text.ts';
import type { Dataset } from './types.ts';

/** Where one file goes: a presigned POST target and the fields it signed, in order. */
export interface Target {
  url: string;
  fields: Array<readonly [string, string]>;
}

export interface NewDataset {
  name: string;
  slug: string;
  dataType: 'image' | 'video' | 'lidar';
  owner: string;
}

/** More fields than a presigned POST ever has: S3 signs about eight. */
const MAX_FIELDS = 50;

export function parseTarget(json: unknown): Target {
  if (!isObject(json) || typeof json.url !== 'string') throw new TypeError('the response has no upload url');
  if (!isObject(json.fields)) throw new TypeError('the response has no upload fields object');
  const fields = Object.entries(json.fields);
  if (fields.length > MAX_FIELDS) throw new TypeError(`the upload target has over ${MAX_FIELDS} fields`);
  const out: Array<readonly [string, string]> = [];
  for (const [name, value] of fields) {
    // A line break would let a field add headers or parts of its own to the form.
    if (typeof value !== 'string' || /[\r\n\0]/.test(name + value)) {
      throw new TypeError(`the upload field ${JSON.stringify(shorten(name, 40))} is not one line of text`);
    }
    out.push([name, value]);
  }
  return { url: json.url, fields: out };
}

export class UploadApi {
  readonly #http: HttpClient;

  constructor(http: HttpClient) {
    this.#http = http;
  }

  /** A fresh target for one file: a target takes one request, so every retry asks again. */
  presign(datasetName: string, path: string, size: number): Promise<Target> {
    return this.#http.send({
      method: 'POST',
      url: this.#url('datasets/manual-upload/file-upload-url/'),
      body: { dataset_name: datasetName, file_path_in_dataset: path, content_length: size },
      parse: parseTarget,
      quiet: true,
      // A target nobody used costs nothing: asking again is safe whatever became of the first ask.
      recover: async () => 'retry',
    });
  }

  /**
   * The dataset from the files staged under its name. An attempt whose outcome
   * is unknown is sent again only once a read shows no such dataset; a 409 is
   * this dataset, made by an earlier attempt or run.
   */
  async createDataset(d: NewDataset): Promise<Dataset> {
    const read = () => this.read(d.owner, d.slug);
    try {
      return await this.#http.send({
        method: 'POST',
        url: this.#url('datasets/manual-upload/'),
        body: {
          name: d.name,
          slug: d.slug,
          data_type: d.dataType,
          visibility: 'private',
          create_metadata: true,
          owner_name: d.owner,
        },
        parse: parseDataset,
        recover: async () => {
          const found = await read();
          return found ? { done: found } : 'retry';
        },
      });
    } catch (error) {
      if (!(error instanceof AvalaError) || error.status !== 409) throw error;
      const found = await read();
      if (found) return found;
      throw error;
    }
  }

  async read(owner: string, slug: string): Promise<Dataset | undefined> {
    try {
      return await this.#http.send({
        method: 'GET',
        url: this.#url(`datasets/${encodeURIComponent(owner)}/${encodeURIComponent(slug)}/`),
        parse: parseDataset,
      });
    } catch (error) {
      if (error instanceof AvalaError && error.status === 404) return undefined;
      throw error;
    }
  }

  #url(path: string): URL {
    const base = this.#http.baseUrl;
    return new URL(`${base.pathname.replace(/\/$/, '')}/${path}`, base.origin);
  }
}
