/**
 * The presigned targets (step 2 of the upload protocol), answering as S3 does a
 * browser-style POST: no Avala key, the presigned fields in order, then the
 * file, of exactly the size declared at presign. Bodies are read as they
 * arrive, never held, so a client's memory and streaming can be measured.
 */
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import { type Fault, type FaultContext, type FaultQueue, faultAfter, faultBefore } from './faults.ts';
import { boundaryOf, type FilePart, type FormBody, MultipartReader } from './multipart.ts';
import type { Reply } from './routes.ts';
import { STORAGE, type Target, type Uploads } from './uploads.ts';

export interface StorageRequest {
  method: string;
  /** Path and query exactly as sent. */
  path: string;
  headers: IncomingHttpHeaders;
  connection: number;
  /** Body bytes read so far: all of them, unless a fault or the client stopped the body. */
  bytes: number;
  /** The form as read: the fields before the file, and the file counted and hashed. */
  fields?: Array<[string, string]>;
  file?: FilePart;
  status?: number;
  /** S3's error code, when it answered one. */
  code?: string;
  fault?: Fault['kind'];
}

// Faults that answer in place of the storage. All but these three read the body first, so the client sees the
// answer rather than a broken pipe; a hang, a drop or a delay leaves the body unread.
const ANSWERING = new Set(['status', 'html-502', 'redirect', 'endless', 'trickle', 'gzip-bomb']);
const UNREAD = new Set(['hang', 'drop', 'delay']);

const CODES: Record<number, string> = {
  400: 'InvalidArgument',
  403: 'AccessDenied',
  405: 'MethodNotAllowed',
  413: 'EntityTooLarge',
  429: 'SlowDown',
  500: 'InternalError',
  502: 'BadGateway',
  503: 'SlowDown',
  504: 'GatewayTimeout',
};

export class Storage {
  readonly requests: StorageRequest[] = [];
  /** Requests being handled now, and the most at once since the last reset: what a client's concurrency shows. */
  readonly active = new Set<StorageRequest>();
  peak = 0;
  readonly #uploads: Uploads;
  readonly #faults: FaultQueue;
  readonly #connectionOf: (req: IncomingMessage) => number;

  constructor(uploads: Uploads, faults: FaultQueue, connectionOf: (req: IncomingMessage) => number) {
    this.#uploads = uploads;
    this.#faults = faults;
    this.#connectionOf = connectionOf;
  }

  async handle(req: IncomingMessage, res: ServerResponse, origin: string): Promise<void> {
    const path = req.url ?? '/';
    const method = req.method ?? 'GET';
    const record: StorageRequest = {
      method,
      path,
      headers: { ...req.headers },
      connection: this.#connectionOf(req),
      bytes: 0,
    };
    this.requests.push(record);
    this.active.add(record);
    this.peak = Math.max(this.peak, this.active.size);
    res.on('close', () => this.active.delete(record));
    // Claimed on arrival: whatever happens to this request, its target is spent.
    const target = this.#uploads.claim(tokenOf(path));
    const fault = this.#faults.take(method, path, { storage: true });
    if (fault) record.fault = fault.kind;
    const context: FaultContext = {
      req,
      res,
      limits: {},
      origin,
      path,
      send: (reply) => this.#send(res, record, reply),
      answered: (status) => {
        record.status = status;
      },
    };
    if (fault && (ANSWERING.has(fault.kind) || UNREAD.has(fault.kind))) {
      if (!UNREAD.has(fault.kind) && !(await this.#receive(req, record))) return;
      if (await faultBefore(fault, context)) return;
    }
    const form = await this.#receive(req, record, fault);
    if (!form) return;
    if (form.file) record.file = form.file;
    record.fields = form.fields;
    const reply = this.#check(req, target, form);
    if (reply.status === 204 && target && form.file) {
      const staged = this.#uploads.stage(target, form.file);
      reply.headers = { ETag: `"${staged.md5}"` };
    }
    if (faultAfter(fault, reply, context)) return;
    this.#send(res, record, reply);
  }

  /** Why S3 would refuse this upload, in its status and code; 204 when it takes it. */
  #check(req: IncomingMessage, target: Target | undefined, form: FormBody): Reply {
    const refuse = (status: number, code: string, message: string): Reply => ({ status, body: { code, message } });
    if (req.method !== 'POST') return refuse(405, 'MethodNotAllowed', 'A presigned target takes POST only.');
    // S3 refuses a second way to authenticate beside the policy; here it also catches a key sent where it must not go.
    if (req.headers['x-avala-api-key'] !== undefined || req.headers.authorization !== undefined) {
      return refuse(400, 'InvalidArgument', 'Only one auth mechanism allowed: a presigned POST takes no key.');
    }
    // S3 takes no chunked POST: the length is part of what it checks against the policy.
    if (req.headers['content-length'] === undefined) {
      return refuse(411, 'MissingContentLength', 'You must provide the Content-Length HTTP header.');
    }
    if (!target) return refuse(403, 'AccessDenied', 'Invalid according to Policy: no such upload target.');
    if (target.used) return refuse(403, 'AccessDenied', 'This upload target was used already: ask for a fresh one.');
    if (form.error) return refuse(400, 'MalformedPOSTRequest', form.error);
    if (!form.file) return refuse(400, 'InvalidArgument', 'POST requires exactly one file upload per request.');
    if (form.after > 0) return refuse(400, 'InvalidArgument', 'The file must be the last field of the form.');
    const sent = JSON.stringify(form.fields.map(([name]) => name));
    const wanted = JSON.stringify(target.fields.map(([name]) => name));
    if (sent !== wanted) {
      return refuse(403, 'AccessDenied', `Invalid according to Policy: fields ${sent}, expected ${wanted} in order.`);
    }
    const wrong = target.fields.find(([, value], i) => form.fields[i]?.[1] !== value);
    if (wrong) return refuse(403, 'AccessDenied', `Invalid according to Policy: Policy Condition failed: ${wrong[0]}.`);
    if (form.file.size > target.contentLength) {
      return refuse(
        400,
        'EntityTooLarge',
        `Your proposed upload exceeds the maximum allowed size (${target.contentLength}).`,
      );
    }
    if (form.file.size < target.contentLength) {
      return refuse(
        400,
        'EntityTooSmall',
        `Your proposed upload is smaller than the minimum allowed size (${target.contentLength}).`,
      );
    }
    return { status: 204, body: {} };
  }

  /**
   * Reads the body through the multipart reader; undefined when nothing is to
   * be answered: the client went away, or a stall or reset fault took the body.
   */
  #receive(req: IncomingMessage, record: StorageRequest, fault?: Fault): Promise<FormBody | undefined> {
    const boundary = boundaryOf(req.headers['content-type']);
    const reader = boundary === undefined ? undefined : new MultipartReader(boundary);
    const cut = fault?.kind === 'stall' || fault?.kind === 'reset' ? fault : undefined;
    return new Promise((resolve) => {
      const stop = () => {
        req.removeAllListeners('data');
        // A stall stops reading and never answers: the client's bytes back up until it gives up.
        if (cut?.kind === 'stall') req.pause();
        else req.socket.destroy();
        resolve(undefined);
      };
      req.on('data', (chunk: Buffer) => {
        record.bytes += chunk.length;
        if (cut && record.bytes >= cut.afterBytes) return stop();
        reader?.write(chunk);
      });
      req.on('end', () => {
        if (cut) return stop();
        const notForm = 'The body of your POST request is not well-formed multipart/form-data.';
        resolve(reader ? reader.end() : { fields: [], after: 0, error: notForm });
      });
      req.on('close', () => resolve(undefined));
    });
  }

  /** S3's answers: an empty 204, or an XML error document. */
  #send(res: ServerResponse, record: StorageRequest, reply: Reply): void {
    record.status = reply.status;
    if (reply.status < 300) {
      res.writeHead(reply.status, { ...reply.headers });
      res.end();
      return;
    }
    const body = (reply.body ?? {}) as { code?: string; message?: string; detail?: unknown };
    record.code = body.code ?? CODES[reply.status] ?? 'InternalError';
    const message = body.message ?? (typeof body.detail === 'string' ? body.detail : `Error ${reply.status}.`);
    const xml = `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${record.code}</Code><Message>${escapeXml(message)}</Message><RequestId>${record.connection}-${this.requests.length}</RequestId></Error>`;
    res.writeHead(reply.status, { 'Content-Type': 'application/xml', ...reply.headers });
    res.end(xml);
  }
}

function tokenOf(path: string): string {
  try {
    return decodeURIComponent(new URL(path, 'http://storage').pathname.slice(STORAGE.length));
  } catch {
    return '';
  }
}

function escapeXml(text: string): string {
  return text.replace(/[<>&"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
