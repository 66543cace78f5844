/**
 * Step 2 of the upload protocol: one file to one presigned target. A target
 * is another host than Avala, so nothing of the action's credentials goes
 * with it, it must be a storage host the allow-list names, a redirect is an
 * answer and never followed, and a request fails when no byte has moved for
 * `timeout` (a large file may take far longer than that as a whole).
 *
 * undici's request() rather than fetch(): fetch keeps every chunk of a
 * streamed request body in memory until the request ends (nodejs/undici#4058),
 * which for a 1 GB file is 1 GB.
 */
import { Readable } from 'node:stream';
import { type Dispatcher, EnvHttpProxyAgent, request } from 'undici';
import { type FormFile, multipartForm } from './form.ts';
import { oneLine, shorten } from './text.ts';
import { LOOPBACK_HOSTS, PROXY_VARIABLES } from './transport.ts';

/** Storage hosts a presigned target may be on, beside base-url's own host name. */
const STORAGE_SUFFIXES = ['.amazonaws.com', '.storage.googleapis.com', '.blob.core.windows.net'];
/** What of a target's answer is read: S3's XML error is a few hundred bytes. */
const MAX_ANSWER_BYTES = 64 * 1024;

/** Why a target cannot be sent to; undefined when it may be. */
export function targetProblem(url: string, baseUrl: URL): string | undefined {
  let target: URL;
  try {
    target = new URL(url);
  } catch {
    return 'it is not a URL';
  }
  const host = target.hostname.toLowerCase();
  if (target.username || target.password) return 'it carries credentials';
  if (target.protocol !== 'https:' && !(target.protocol === 'http:' && LOOPBACK_HOSTS.has(host))) {
    return `it is ${target.protocol.replace(':', '')}, not https`;
  }
  const allowed = host === baseUrl.hostname.toLowerCase() || STORAGE_SUFFIXES.some((suffix) => host.endsWith(suffix));
  return allowed
    ? undefined
    : `its host ${host} is not an allowed storage host (*.amazonaws.com, *.storage.googleapis.com, *.blob.core.windows.net or base-url's own)`;
}

/** What one POST to a target came to. */
export type Sent =
  | { ok: true; status: number }
  | {
      ok: false;
      /** Worth another try with a fresh target: 429, 500, 502, 503, 504, a reset or a stall. */
      retryable: boolean;
      /** 413: the storage quota, which ends every upload of the run. */
      quota: boolean;
      status?: number;
      retryAfter?: string | null;
      /** One line: what the target answered, or what happened to the request. */
      detail: string;
    };

const RETRYABLE = new Set([429, 500, 502, 503, 504]);

export interface StorageOptions {
  baseUrl: URL;
  /** The longest no byte may move, either way, before the request is given up. */
  timeoutMs: number;
  userAgent: string;
  /** Where HTTPS_PROXY, HTTP_PROXY and NO_PROXY are read, as for Avala's requests. */
  env?: NodeJS.ProcessEnv;
}

/** POSTs files to presigned targets. It holds no credential: a target is presigned. */
export class StorageClient {
  readonly #o: StorageOptions;
  readonly #dispatcher: Dispatcher | undefined;

  constructor(options: StorageOptions) {
    this.#o = options;
    const env = options.env ?? {};
    this.#dispatcher = PROXY_VARIABLES.some((name) => env[name]) ? new EnvHttpProxyAgent() : undefined;
  }

  /** One attempt; never throws for what the target or the network did, only reports it. */
  async post(
    url: string,
    fields: ReadonlyArray<readonly [string, string]>,
    file: FormFile,
    onBytes: (bytes: number) => void,
    stop: AbortSignal,
  ): Promise<Sent> {
    const problem = targetProblem(url, this.#o.baseUrl);
    if (problem) return { ok: false, retryable: false, quota: false, detail: `target refused: ${problem}` };
    const ac = new AbortController();
    const stalled = { now: false };
    // Refreshed on every chunk either way: a slow but moving upload never times out; a stalled one does.
    const watchdog = setTimeout(() => {
      stalled.now = true;
      ac.abort();
    }, this.#o.timeoutMs);
    const moved = (bytes: number) => {
      watchdog.refresh();
      onBytes(bytes);
    };
    const abort = () => ac.abort();
    stop.addEventListener('abort', abort, { once: true });
    const form = multipartForm(fields, file, moved);
    try {
      const response = await request(url, {
        method: 'POST',
        // Only what a browser's form post carries: no Avala key, no token, whatever the target's host.
        headers: {
          'content-type': form.contentType,
          'content-length': String(form.length),
          'user-agent': this.#o.userAgent,
        },
        // Byte mode, a little ahead: one chunk read while the one before is on the wire, never the file.
        body: Readable.from(form.body, { objectMode: false, highWaterMark: 64 * 1024 }),
        signal: ac.signal,
        // The watchdog bounds the request; undici's own timers count from its start, which a large file outlasts.
        headersTimeout: 0,
        bodyTimeout: 0,
        ...(this.#dispatcher ? { dispatcher: this.#dispatcher } : {}),
      });
      watchdog.refresh();
      const text = await answerText(response.body);
      const status = response.statusCode;
      const retryAfter = response.headers['retry-after'];
      if (status >= 200 && status < 300) return { ok: true, status };
      const where = status >= 300 && status < 400 ? `a redirect, not followed` : s3Error(text);
      return {
        ok: false,
        status,
        retryable: RETRYABLE.has(status),
        quota: status === 413,
        retryAfter: Array.isArray(retryAfter) ? (retryAfter[0] ?? null) : (retryAfter ?? null),
        detail: `the storage target answered ${status}${where ? `: ${where}` : ''}`,
      };
    } catch (error) {
      if (form.failure) {
        return { ok: false, retryable: false, quota: false, detail: `the file ${form.failure.message}` };
      }
      if (stalled.now) {
        const seconds = this.#o.timeoutMs / 1000;
        return { ok: false, retryable: true, quota: false, detail: `no byte moved for ${seconds} s (timeout)` };
      }
      if (stop.aborted) return { ok: false, retryable: false, quota: false, detail: 'stopped' };
      return { ok: false, retryable: true, quota: false, detail: networkDetail(error) };
    } finally {
      clearTimeout(watchdog);
      stop.removeEventListener('abort', abort);
    }
  }
}

/** What a target answered, at most MAX_ANSWER_BYTES of it; the rest is not read. */
async function answerText(body: AsyncIterable<Buffer> & { destroy(): void }): Promise<string> {
  const chunks: Buffer[] = [];
  let bytes = 0;
  for await (const chunk of body) {
    chunks.push(chunk);
    bytes += chunk.length;
    if (bytes > MAX_ANSWER_BYTES) {
      body.destroy();
      break;
    }
  }
  return Buffer.concat(chunks).subarray(0, MAX_ANSWER_BYTES).toString('utf8');
}

/** S3's `<Code>` and `<Message>`, the part of its XML a person needs, as one bounded line. */
function s3Error(text: string): string {
  const code = text.match(/<Code>([^<]{1,100})<\/Code>/)?.[1];
  const message = text.match(/<Message>([^<]{1,500})<\/Message>/)?.[1];
  const said = [code, message].filter(Boolean).join(': ') || text;
  return shorten(oneLine(said), 300);
}

function networkDetail(error: unknown): string {
  const cause = error instanceof Error && error.cause instanceof Error ? error.cause : error;
  const code = (cause as { code?: unknown } | undefined)?.code;
  const message = cause instanceof Error ? cause.message : String(cause);
  return shorten(oneLine(`${typeof code === 'string' ? `${code}: ` : ''}${message}`), 300);
}
