import { fetchOnce } from './attempt.ts';
import {
  httpError,
  networkError,
  OVERSIZED,
  parseJson,
  type ReceivedResponse,
  type ResponseOrFailure,
  succeeded,
  unknownOutcome,
} from './decode.ts';
import { AvalaError, type AvalaErrorOptions, type FailureKind, MalformedAnswer } from './errors.ts';
import type { FetchLike, HttpOptions, Recovery, SendOptions } from './http-types.ts';
import { decide, type Outcome } from './policy.ts';
import { RateLimit } from './rate-limit.ts';

export type { FetchLike, HttpOptions, Logger, Recovery, RequestRecord, SendOptions } from './http-types.ts';

/** The parsed response, or the error to report and what the retry policy weighs. */
type Interpreted<T> = { value: { parsed: T } } | { value?: undefined; error: AvalaError; outcome: Outcome };

/** HTTP to the Avala API: one origin, JSON bodies, retries, timeouts and rate limits. */
export class HttpClient {
  readonly #o: Required<Omit<HttpOptions, 'onRequest'>> & Pick<HttpOptions, 'onRequest'>;
  readonly #rateLimit = new RateLimit();
  /**
   * Rounds of timeouts since the server last responded, across requests: the
   * checks made after an unknown outcome share the budget of the request they
   * check, so a hung server fails the step within (retries + 1) × timeout plus
   * backoff. Requests that time out together (an upload's) are one round.
   */
  #unanswered = { rounds: 0, roundEnded: 0 };
  #inFlight: { method: string; path: string } | undefined;

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

  /** The request on the wire now, if any: what a canceled run reports. */
  get inFlight(): { method: string; path: string } | undefined {
    return this.#inFlight;
  }

  async send<T>(request: SendOptions<T>): Promise<T> {
    const { method, url } = request;
    const path = url.pathname + url.search;
    // The key goes to the configured origin and nowhere else, whatever URL a response hands us.
    if (url.origin !== this.#o.baseUrl.origin) {
      throw new AvalaError({
        kind: 'network',
        method,
        path: url.origin + path,
        detail: `refused to send the API key to ${url.origin}, which is not the base-url origin ${this.#o.baseUrl.origin}`,
        refusedOrigin: true,
      });
    }
    if (this.#o.readOnly && method !== 'GET') throw new Error(`Dry run: refusing to send ${method} ${path}`);
    const body = request.body === undefined ? undefined : JSON.stringify(request.body);
    if (body !== undefined) this.#o.log.debug?.(`${method} ${path} body: ${body}`);

    // Rule 7: once the API has left (retries + 1) rounds unanswered, the run sends it nothing more.
    if (this.#unanswered.rounds > this.#o.retries) {
      const detail = `not sent: the API has answered nothing for ${this.#unanswered.rounds} timeouts of ${this.#o.timeoutMs / 1000} s`;
      throw new AvalaError({ kind: 'timeout', method, path, detail });
    }
    const log = request.quiet ? this.#o.log.debug : this.#o.log.info;
    for (let attempt = 0; ; attempt++) {
      await this.#rateLimit.wait(this.#o.sleep, this.#o.log.info, { method, path });
      const started = performance.now();
      this.#inFlight = { method, path };
      const result = await fetchOnce(this.#o, method, url, body);
      this.#inFlight = undefined;
      const ms = Math.round(performance.now() - started);
      const retryNote = attempt > 0 ? ` (retry ${attempt} of ${this.#o.retries})` : '';
      const status = 'failure' in result ? result.failure.code : result.status;
      const line = `${method} ${path} → ${status} ${'failure' in result ? 'after' : 'in'} ${ms} ms${retryNote}`;
      log?.(line);
      this.#o.onRequest?.({ method, path, status, ms, attempt });
      const interpreted = this.#interpret(request, path, attempt + 1, result, started);
      if (interpreted.value) return interpreted.value.parsed;
      const { error, outcome } = interpreted;
      const decision = decide({
        method,
        outcome,
        attempt,
        retries: this.#o.retries,
        unansweredTimeouts: this.#unanswered.rounds,
        random: this.#o.random,
      });
      if (decision.action === 'fail') {
        throw decision.note
          ? new AvalaError({ ...error.options, detail: `${error.detail} (${decision.note})` })
          : error;
      }
      if (decision.action === 'wait') {
        if (decision.announce) log?.(decision.announce);
        await this.#o.sleep(decision.ms);
        continue;
      }
      const recovered = await this.#recover(request, error, decision.ms);
      if (recovered) return recovered.done;
      if (!decision.resend) throw error;
    }
  }

  /** What an attempt came to: the parsed response, or the error to report and what the retry policy weighs. */
  #interpret<T>(
    request: SendOptions<T>,
    path: string,
    attempts: number,
    result: ResponseOrFailure,
    started: number,
  ): Interpreted<T> {
    const { method } = request;
    if ('failure' in result) {
      const { failure } = result;
      if (failure.timedOut && started >= this.#unanswered.roundEnded) {
        this.#unanswered = { rounds: this.#unanswered.rounds + 1, roundEnded: performance.now() };
      }
      const error = networkError(failure, { method, path, attempts, timeoutMs: this.#o.timeoutMs });
      return { error, outcome: { kind: 'network', code: failure.code, timedOut: failure.timedOut } };
    }
    this.#unanswered = { rounds: 0, roundEnded: 0 };
    this.#rateLimit.note(result.headers);
    const outcomeUnknown = unknownOutcome(method, result.status);
    const common = { kind: 'http' as const, method, path, status: result.status, attempts, outcomeUnknown, detail: '' };
    if (result.text === undefined) return this.#unusable(common, OVERSIZED, 'bad-response');
    const response: ReceivedResponse = { ...result, text: result.text };
    this.#o.log.debug?.(`${method} ${path} response: ${response.text.slice(0, 4000)}`);
    if (succeeded(response.status)) {
      const json = parseJson(response);
      try {
        if (json.ok) return { value: { parsed: request.parse(json.value) } };
      } catch (thrown) {
        const detail = thrown instanceof Error ? thrown.message : String(thrown);
        return this.#unusable(common, detail, thrown instanceof MalformedAnswer ? 'bad-response' : 'http');
      }
      return this.#unusable(common, json.ok ? '' : json.problem);
    }
    const error = httpError({ method, path, attempts, base: this.#o.baseUrl }, response);
    return {
      error,
      outcome: { kind: 'status', status: response.status, retryAfter: response.headers.get('retry-after') },
    };
  }

  /** A response the action cannot use: too large, or a success whose body is not what it should be. */
  #unusable(common: AvalaErrorOptions & { outcomeUnknown: boolean }, detail: string, kind: FailureKind = 'http') {
    const error = new AvalaError({ ...common, kind, detail });
    return { error, outcome: { kind: 'unreadable' as const, outcomeUnknown: common.outcomeUnknown } };
  }

  /** For a state-changing request whose outcome is unknown: check first, or give up. */
  async #recover<T>(request: SendOptions<T>, error: AvalaError, waitMs: number): Promise<{ done: T } | undefined> {
    if (!request.recover) throw error;
    await this.#o.sleep(waitMs);
    const log = request.quiet ? this.#o.log.debug : this.#o.log.info;
    log?.(`The outcome of ${request.method} ${error.path} is unknown; checking before trying again`);
    let recovery: Recovery<T>;
    try {
      recovery = await request.recover();
    } catch (cause) {
      throw new AvalaError({ ...error.options, cause });
    }
    if (recovery === 'unknown') throw error;
    return recovery === 'retry' ? undefined : recovery;
  }
}
