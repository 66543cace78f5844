import { type Answer, describeNetworkFailure, httpError, type NetworkFailure, parseJson } from './decode.ts';
import { AvalaError, redact } from './errors.ts';
import type { FetchLike, HttpOptions, Recovery, SendOptions } from './http-types.ts';
import { decide, type Outcome } from './policy.ts';
import { RateLimit } from './rate-limit.ts';
import { NOT_SENT_CODES } from './retry.ts';

export type { FetchLike, HttpOptions, Logger, Recovery, RequestRecord, SendOptions } from './http-types.ts';

type Attempt = { answer: Answer } | { failure: NetworkFailure };

/** HTTP to the Avala API: one origin, JSON bodies, retries, timeouts and rate limits. */
export class HttpClient {
  readonly #o: Required<Omit<HttpOptions, 'onRequest'>> & Pick<HttpOptions, 'onRequest'>;
  readonly #rateLimit = new RateLimit();
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
      await this.#rateLimit.wait(this.#o.sleep, this.#o.log.info);
      const started = performance.now();
      const result = await this.#attempt(method, url, body);
      const ms = Math.round(performance.now() - started);
      const retryNote = attempt > 0 ? ` (retry ${attempt} of ${this.#o.retries})` : '';
      const attempts = attempt + 1;
      let error: AvalaError;
      let outcome: Outcome;

      if ('failure' in result) {
        const { failure } = result;
        if (failure.timedOut) this.#silentAttempts += 1;
        this.#o.log.info(`${method} ${path} → ${failure.code} after ${ms} ms${retryNote}`);
        this.#o.onRequest?.({ method, path, status: failure.code, ms, attempt });
        error = new AvalaError({
          kind: failure.timedOut ? 'timeout' : 'network',
          method,
          path,
          detail: failure.timedOut ? `no answer within ${this.#o.timeoutMs / 1000} s` : failure.message,
          outcomeUnknown: method !== 'GET' && !NOT_SENT_CODES.has(failure.code),
          attempts,
          cause: failure.cause,
        });
        outcome = { kind: 'network', code: failure.code, timedOut: failure.timedOut };
      } else {
        const { answer } = result;
        this.#silentAttempts = 0;
        this.#o.log.info(`${method} ${path} → ${answer.status} in ${ms} ms${retryNote}`);
        this.#o.log.debug(`${method} ${path} answer: ${this.#redact(answer.text.slice(0, 4000))}`);
        this.#o.onRequest?.({ method, path, status: answer.status, ms, attempt });
        this.#rateLimit.note(answer.headers);
        if (answer.status >= 200 && answer.status < 300) return this.#parse(request, answer, path);
        error = httpError({ method, path, attempts, base: this.#o.baseUrl, redact: (t) => this.#redact(t) }, answer);
        outcome = { kind: 'status', status: answer.status, retryAfter: answer.headers.get('retry-after') };
      }

      const decision = decide({
        method,
        outcome,
        attempt,
        retries: this.#o.retries,
        silentAttempts: this.#silentAttempts,
        random: this.#o.random,
      });
      if (decision.action === 'fail') {
        throw decision.note
          ? new AvalaError({ ...error.options, detail: `${error.detail} (${decision.note})` })
          : error;
      }
      if (decision.action === 'wait') {
        if (decision.announce) this.#o.log.info(decision.announce);
        await this.#o.sleep(decision.ms);
        continue;
      }
      const recovered = await this.#recover(request, error, decision.ms);
      if (recovered) return recovered.done;
    }
  }

  /** For a state-changing request whose outcome is unknown: check first, or give up. */
  async #recover<T>(request: SendOptions<T>, error: AvalaError, waitMs: number): Promise<{ done: T } | undefined> {
    if (!request.recover) throw error;
    await this.#o.sleep(waitMs);
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

  /** An answer that echoes the key must not carry it into a log line or an error message. */
  #redact(text: string): string {
    return redact(text, this.#o.apiKey);
  }
}
