import { AvalaError, describeErrorBody, isObject, oneLine, redact } from './errors.ts';
import {
  backoffDelay,
  MAX_WAIT_MS,
  NOT_ACTED_STATUSES,
  NOT_SENT_CODES,
  parseRetryAfter,
  RETRYABLE_STATUSES,
} from './retry.ts';

/** The part of the Fetch API the client uses: the global fetch, or undici's when proxying. */
export type FetchLike = (
  url: string,
  init: { method: string; headers: Record<string, string>; body?: string; redirect: 'manual'; signal: AbortSignal },
) => Promise<{ status: number; headers: { get(name: string): string | null }; text(): Promise<string> }>;

export interface Logger {
  info(message: string): void;
  debug(message: string): void;
  warning(message: string): void;
}

/** One attempt, as the job summary lists it. */
export interface RequestRecord {
  method: string;
  path: string;
  status: number | string;
  ms: number;
  attempt: number;
}

export interface HttpOptions {
  baseUrl: URL;
  apiKey: string;
  userAgent: string;
  timeoutMs: number;
  retries: number;
  log: Logger;
  fetch?: FetchLike;
  /** Refuse every request but GET: the dry-run guarantee, enforced where requests leave. */
  readOnly?: boolean;
  onRequest?: (record: RequestRecord) => void;
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
}

/**
 * What a check after an attempt of unknown outcome found: it took effect (`done`),
 * it surely did not (`retry`), or the check cannot tell (`unknown`: give up).
 */
export type Recovery<T> = { done: T } | 'retry' | 'unknown';

export interface SendOptions<T> {
  method: 'GET' | 'POST';
  url: URL;
  body?: unknown;
  /** Checks the answer's shape; throws an Error saying what is wrong. */
  parse: (json: unknown) => T;
  /**
   * For a request that changes state: finds out whether an attempt whose outcome
   * is unknown took effect. Without it, such a request is never sent again.
   */
  recover?: () => Promise<Recovery<T>>;
}

interface Answer {
  status: number;
  headers: { get(name: string): string | null };
  text: string;
}

type Attempt = { answer: Answer } | { failure: { code: string; timedOut: boolean; message: string; cause: unknown } };

/** HTTP to the Avala API: one origin, JSON bodies, retries, timeouts and rate limits. */
export class HttpClient {
  readonly #o: Required<Omit<HttpOptions, 'onRequest'>> & Pick<HttpOptions, 'onRequest'>;
  #resumeAt = 0;
  /**
   * Timeouts since the server last answered, across requests: the checks made
   * after an unknown outcome share the budget of the request they check, so a
   * hung server fails the step within (retries + 1) × timeout plus backoff.
   */
  #silentAttempts = 0;

  constructor(options: HttpOptions) {
    this.#o = {
      fetch: globalThis.fetch as FetchLike,
      readOnly: false,
      sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
      random: Math.random,
      ...options,
    };
  }

  get baseUrl(): URL {
    return this.#o.baseUrl;
  }

  async send<T>(request: SendOptions<T>): Promise<T> {
    const { method, url } = request;
    const path = url.pathname + url.search;
    // The key goes to the configured origin and nowhere else, whatever URL an answer hands us.
    if (url.origin !== this.#o.baseUrl.origin) {
      throw new AvalaError({
        kind: 'network',
        method,
        path: url.origin + path,
        detail: `refused to send the API key to ${url.origin}, which is not the base-url origin ${this.#o.baseUrl.origin}`,
      });
    }
    if (this.#o.readOnly && method !== 'GET') {
      throw new Error(`Dry run: refusing to send ${method} ${path}`);
    }
    const body = request.body === undefined ? undefined : JSON.stringify(request.body);
    if (body !== undefined) this.#o.log.debug(`${method} ${path} body: ${body}`);

    for (let attempt = 0; ; attempt++) {
      await this.#waitForRateLimit();
      const started = performance.now();
      const result = await this.#attempt(method, url, body);
      const ms = Math.round(performance.now() - started);
      const retryNote = attempt > 0 ? ` (retry ${attempt} of ${this.#o.retries})` : '';
      const attempts = attempt + 1;
      let canRetry = attempt < this.#o.retries;

      if ('failure' in result) {
        const { failure } = result;
        if (failure.timedOut) this.#silentAttempts += 1;
        canRetry &&= this.#silentAttempts <= this.#o.retries;
        this.#o.log.info(`${method} ${path} → ${failure.code} after ${ms} ms${retryNote}`);
        this.#o.onRequest?.({ method, path, status: failure.code, ms, attempt });
        const notSent = NOT_SENT_CODES.has(failure.code);
        const error = new AvalaError({
          kind: failure.timedOut ? 'timeout' : 'network',
          method,
          path,
          detail: failure.timedOut ? `no answer within ${this.#o.timeoutMs / 1000} s` : failure.message,
          outcomeUnknown: method !== 'GET' && !notSent,
          attempts,
          cause: failure.cause,
        });
        if (!canRetry) throw error;
        if (method === 'GET' || notSent) {
          await this.#backoff(attempt);
          continue;
        }
        const recovered = await this.#recover(request, error, attempt);
        if (recovered) return recovered.done;
        continue;
      }

      const { answer } = result;
      this.#silentAttempts = 0;
      this.#o.log.info(`${method} ${path} → ${answer.status} in ${ms} ms${retryNote}`);
      this.#o.log.debug(`${method} ${path} answer: ${this.#redact(answer.text.slice(0, 4000))}`);
      this.#o.onRequest?.({ method, path, status: answer.status, ms, attempt });
      this.#noteRateLimit(answer.headers);

      if (answer.status >= 200 && answer.status < 300) return this.#parse(request, answer, path);

      const error = this.#httpError(method, path, answer, attempts);
      if (!canRetry || !RETRYABLE_STATUSES.has(answer.status)) throw error;
      if (method === 'GET' || NOT_ACTED_STATUSES.has(answer.status)) {
        const wait = parseRetryAfter(answer.headers.get('retry-after'));
        if (wait !== undefined && wait > MAX_WAIT_MS) {
          throw new AvalaError({
            ...error.options,
            detail: `${error.detail} (the API asks to wait ${Math.ceil(wait / 1000)} s, longer than the ${MAX_WAIT_MS / 1000} s the action waits)`,
          });
        }
        if (wait !== undefined) {
          this.#o.log.info(`Waiting ${(wait / 1000).toFixed(1)} s as Retry-After asks`);
          await this.#o.sleep(wait);
        } else {
          await this.#backoff(attempt);
        }
        continue;
      }
      const recovered = await this.#recover(request, error, attempt);
      if (recovered) return recovered.done;
    }
  }

  /** For a state-changing request whose outcome is unknown: check first, or give up. */
  async #recover<T>(request: SendOptions<T>, error: AvalaError, attempt: number): Promise<{ done: T } | undefined> {
    if (!request.recover) throw error;
    await this.#backoff(attempt);
    this.#o.log.info(`The outcome of ${request.method} ${error.path} is unknown; checking before trying again`);
    let recovery: Recovery<T>;
    try {
      recovery = await request.recover();
    } catch (cause) {
      throw new AvalaError({ ...error.options, cause });
    }
    if (recovery === 'unknown') throw error;
    return recovery === 'retry' ? undefined : recovery;
  }

  async #attempt(method: string, url: URL, body: string | undefined): Promise<Attempt> {
    const headers: Record<string, string> = {
      Accept: 'application/json',
      'User-Agent': this.#o.userAgent,
      'X-Avala-Api-Key': this.#o.apiKey,
    };
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    try {
      const response = await this.#o.fetch(url.href, {
        method,
        headers,
        ...(body === undefined ? {} : { body }),
        redirect: 'manual',
        signal: AbortSignal.timeout(this.#o.timeoutMs),
      });
      // Reading the whole body, even of an error, frees the connection for the next request.
      const text = await response.text();
      // undici hands the socket back to its pool a tick after the body ends; without this
      // yield the next request of a loop finds it busy and opens a second connection.
      await new Promise(setImmediate);
      return { answer: { status: response.status, headers: response.headers, text } };
    } catch (error) {
      return { failure: describeNetworkFailure(error) };
    }
  }

  #parse<T>(request: SendOptions<T>, answer: Answer, path: string): T {
    const json = parseJson(answer);
    let problem = json.ok ? '' : json.problem;
    if (json.ok) {
      try {
        return request.parse(json.value);
      } catch (thrown) {
        problem = thrown instanceof Error ? thrown.message : String(thrown);
      }
    }
    throw new AvalaError({ kind: 'http', method: request.method, path, status: answer.status, detail: problem });
  }

  #httpError(method: string, path: string, answer: Answer, attempts: number): AvalaError {
    // A server error other than 503 may come after the server acted on a state-changing request.
    const outcomeUnknown = method !== 'GET' && answer.status >= 500 && !NOT_ACTED_STATUSES.has(answer.status);
    const common = { kind: 'http' as const, method, path, status: answer.status, attempts, outcomeUnknown };
    if (answer.status >= 300 && answer.status < 400) {
      const location = answer.headers.get('location');
      const target = location ? safeOrigin(location, this.#o.baseUrl) : 'an unknown location';
      return new AvalaError({
        ...common,
        detail: `redirect to ${target} not followed: the API key is sent to base-url only`,
      });
    }
    const json = parseJson(answer);
    if (!json.ok) return new AvalaError({ ...common, detail: this.#redact(json.problem) });
    const described = describeErrorBody(json.value);
    return new AvalaError({ ...common, ...described, detail: this.#redact(described.detail) });
  }

  /** An answer that echoes the key must not carry it into a log line or an error message. */
  #redact(text: string): string {
    return redact(text, this.#o.apiKey);
  }

  #noteRateLimit(headers: { get(name: string): string | null }): void {
    const remaining = headers.get('x-ratelimit-remaining');
    const reset = Number(headers.get('x-ratelimit-reset'));
    if (remaining !== null && Number(remaining) <= 0 && Number.isFinite(reset) && reset > 0) {
      this.#resumeAt = reset * 1000;
    }
  }

  /** Waits out an exhausted rate-limit window rather than spend a request on a 429. */
  async #waitForRateLimit(): Promise<void> {
    const wait = this.#resumeAt - Date.now();
    this.#resumeAt = 0;
    if (wait <= 0) return;
    const ms = Math.min(wait, MAX_WAIT_MS);
    this.#o.log.info(`Rate limit reached; waiting ${(ms / 1000).toFixed(1)} s for X-RateLimit-Reset`);
    await this.#o.sleep(ms);
  }

  async #backoff(attempt: number): Promise<void> {
    await this.#o.sleep(backoffDelay(attempt, this.#o.random));
  }
}

function parseJson(answer: Answer): { ok: true; value: unknown } | { ok: false; problem: string } {
  if (answer.text === '' && answer.status === 204) return { ok: true, value: null };
  try {
    return { ok: true, value: JSON.parse(answer.text) };
  } catch {
    const type = answer.headers.get('content-type') ?? 'no content type';
    const snippet = oneLine(answer.text.replace(/<[^>]*>/g, ' ')).slice(0, 120);
    return {
      ok: false,
      problem: `expected a JSON answer, got ${type}${snippet ? `: "${snippet}"` : ' with an empty body'}`,
    };
  }
}

function describeNetworkFailure(error: unknown): { code: string; timedOut: boolean; message: string; cause: unknown } {
  const name = error instanceof Error ? error.name : '';
  if (name === 'TimeoutError' || name === 'AbortError') {
    return { code: 'timeout', timedOut: true, message: 'timed out', cause: error };
  }
  // fetch wraps socket errors: TypeError('fetch failed', { cause: { code: 'ECONNRESET' } }).
  const cause = error instanceof Error && isObject(error.cause) ? error.cause : error;
  const code = isObject(cause) && typeof cause.code === 'string' ? cause.code : 'network-error';
  const message = cause instanceof Error ? cause.message : String(cause);
  const timedOut =
    code === 'UND_ERR_CONNECT_TIMEOUT' || code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'UND_ERR_BODY_TIMEOUT';
  return { code, timedOut, message: `${code}: ${message}`, cause: error };
}

function safeOrigin(location: string, base: URL): string {
  try {
    return new URL(location, base).origin;
  } catch {
    return 'an unreadable location';
  }
}
