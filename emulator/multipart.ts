/**
 * A multipart/form-data body read as it arrives. Form fields are small and
 * kept; the file's bytes are only counted and hashed, so a body of any size
 * costs the emulator about one socket chunk of memory.
 */
import { createHash, type Hash } from 'node:crypto';

export interface FilePart {
  /** The part's own file name and content type, as the client wrote them. */
  filename?: string;
  contentType?: string;
  size: number;
  /** Hex MD5 of the bytes: S3's ETag for a single-part upload. */
  md5: string;
}

export interface FormBody {
  /** Fields before the file, in the order sent. */
  fields: Array<[string, string]>;
  /** The part named `file`, as S3 reads the content from it. */
  file?: FilePart;
  /** Parts after the file: S3 ignores them, so a client that sends any has its order wrong. */
  after: number;
  /** Why the body is not a well-formed form, when it is not. */
  error?: string;
}

// Bounds on what is kept: a hostile or broken client cannot make the emulator hold a file as a "field".
const FIELD_LIMIT = 64 * 1024;
const HEADER_LIMIT = 16 * 1024;
const PART_LIMIT = 100;
const CRLF2 = Buffer.from('\r\n\r\n');
const EMPTY = Buffer.alloc(0);

interface Part {
  name: string;
  filename?: string;
  contentType?: string;
  chunks: Buffer[];
  length: number;
  hash?: Hash;
}

/** The boundary of a multipart/form-data content type, or undefined for any other type. */
export function boundaryOf(contentType: string | undefined): string | undefined {
  if (!contentType || !/^\s*multipart\/form-data\s*;/i.test(contentType)) return undefined;
  const match = contentType.match(/;\s*boundary=(?:"([^"]{1,70})"|([^;\s]{1,70}))/i);
  return match ? (match[1] ?? match[2]) : undefined;
}

export class MultipartReader {
  readonly #delimiter: Buffer;
  // The body is read as if it began with CRLF, so that the first delimiter looks like every other one.
  #rest: Buffer = Buffer.from('\r\n');
  #state: 'content' | 'after-delimiter' | 'headers' | 'done' = 'content';
  /** The part being read; undefined in the preamble, which is discarded. */
  #part: Part | undefined;
  #parts = 0;
  readonly #body: FormBody = { fields: [], after: 0 };

  constructor(boundary: string) {
    this.#delimiter = Buffer.from(`\r\n--${boundary}`);
  }

  write(chunk: Buffer): void {
    if (this.#state === 'done') return;
    let buf = chunk;
    const reach = this.#delimiter.length - 1;
    if (this.#state === 'content' && this.#rest.length > 0 && chunk.length >= reach) {
      // Only a delimiter that straddles the kept tail and this chunk needs the two joined; a file's chunks are
      // not copied otherwise, which keeps the garbage (and the peak memory before a collection) to the socket's.
      const window = Buffer.concat([this.#rest, chunk.subarray(0, reach)]);
      if (window.indexOf(this.#delimiter) === -1) this.#data(this.#rest);
      else buf = Buffer.concat([this.#rest, chunk]);
    } else if (this.#rest.length > 0) buf = Buffer.concat([this.#rest, chunk]);
    this.#rest = EMPTY;
    while (this.#state !== 'done') {
      if (this.#state === 'content') {
        const at = buf.indexOf(this.#delimiter);
        if (at === -1) {
          // The tail may be the start of a delimiter cut by the chunk boundary: keep it for the next chunk.
          const keep = Math.max(0, buf.length - this.#delimiter.length + 1);
          this.#data(buf.subarray(0, keep));
          this.#rest = Buffer.from(buf.subarray(keep));
          return;
        }
        this.#data(buf.subarray(0, at));
        this.#endPart();
        buf = buf.subarray(at + this.#delimiter.length);
        this.#state = 'after-delimiter';
      } else if (this.#state === 'after-delimiter') {
        if (buf.length < 2) break;
        const next = buf.toString('latin1', 0, 2);
        if (next === '--') this.#state = 'done';
        else if (next === '\r\n') {
          this.#state = 'headers';
          buf = buf.subarray(2);
        } else this.#fail('a boundary is followed by neither CRLF nor --');
      } else {
        const end = buf.indexOf(CRLF2);
        if (end === -1) {
          if (buf.length > HEADER_LIMIT) this.#fail('part headers over 16 kB');
          break;
        }
        this.#startPart(buf.toString('utf8', 0, end));
        buf = buf.subarray(end + CRLF2.length);
      }
    }
    if (this.#state !== 'done') this.#rest = Buffer.from(buf);
  }

  /** The form, once the body has ended. */
  end(): FormBody {
    if (this.#state !== 'done') this.#fail('the body ends before the closing boundary');
    return this.#body;
  }

  #fail(reason: string): void {
    this.#body.error ??= `The body of your POST request is not well-formed multipart/form-data: ${reason}.`;
    this.#state = 'done';
  }

  #startPart(head: string): void {
    if (++this.#parts > PART_LIMIT) {
      this.#fail(`more than ${PART_LIMIT} parts`);
      return;
    }
    const headers = new Map<string, string>();
    for (const line of head.split('\r\n')) {
      const colon = line.indexOf(':');
      if (colon > 0) headers.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim());
    }
    const disposition = headers.get('content-disposition') ?? '';
    const params = new Map<string, string>();
    for (const m of disposition.matchAll(/;\s*([^=;\s]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^;]*))/g)) {
      params.set((m[1] as string).toLowerCase(), m[2] ?? (m[3] as string).trim());
    }
    const name = params.get('name');
    if (!/^form-data\s*(;|$)/i.test(disposition) || name === undefined) {
      this.#fail('a part without Content-Disposition: form-data; name=');
      return;
    }
    this.#part = { name, chunks: [], length: 0 };
    if (params.has('filename')) this.#part.filename = params.get('filename');
    if (headers.has('content-type')) this.#part.contentType = headers.get('content-type');
    if (name === 'file' && !this.#body.file) this.#part.hash = createHash('md5');
    this.#state = 'content';
  }

  #data(bytes: Buffer): void {
    const part = this.#part;
    if (!part || bytes.length === 0) return;
    part.length += bytes.length;
    if (part.hash) part.hash.update(bytes);
    else if (part.length > FIELD_LIMIT) this.#fail(`field ${JSON.stringify(part.name)} over 64 kB`);
    else part.chunks.push(Buffer.from(bytes));
  }

  #endPart(): void {
    const part = this.#part;
    this.#part = undefined;
    if (!part) return;
    if (part.hash) {
      this.#body.file = { size: part.length, md5: part.hash.digest('hex') };
      if (part.filename !== undefined) this.#body.file.filename = part.filename;
      if (part.contentType !== undefined) this.#body.file.contentType = part.contentType;
    } else if (this.#body.file) this.#body.after += 1;
    else this.#body.fields.push([part.name, Buffer.concat(part.chunks).toString('utf8')]);
  }
}
