/**
 * The fetch octokit gets for the pull-request comment: the token goes to
 * GITHUB_API_URL's origin and nowhere else, each request is bounded in time
 * and size, and a request that changes nothing or can be repeated is retried.
 */
import { MAX_BODY_BYTES, readBody } from '../api/decode.ts';
import type { FetchLike } from '../api/http-types.ts';
import { backoffDelay, MAX_WAIT_MS, parseRetryAfter, RETRYABLE_STATUSES } from '../api/retry.ts';
import { redactSecret } from '../api/text.ts';

export type GitHubFailureKind = 'refused' | 'redirect' | 'timeout' | 'network' | 'too-large';

/** Why a request to GitHub got no usable response. Octokit wraps it: it is then its error's `cause`. */
export class GitHubFailure extends Error {
  override readonly name = 'GitHubFailure';
  readonly kind: GitHubFailureKind;
  /** What the log line of a request without a response says instead of a status. */
  readonly code: string;

  constructor(kind: GitHubFailureKind, message: string, code: string = kind) {
    super(message);
    this.kind = kind;
    this.code = code;
  }
}

export interface GuardOptions {
  api: URL;
  /** Taken out of every response as it arrives, before any of it is shortened or reported. */
  token: string;
  fetch: FetchLike;
  timeoutMs: number;
  retries: number;
  info(message: string): void;
  sleep(ms: number): Promise<void>;
  random(): number;
}

/** Response headers octokit reads: pagination, the comment's type, and Retry-After for a POST's own retry. */
const KEPT_HEADERS = ['content-type', 'link', 'retry-after', 'x-github-request-id'];
/** Statuses a Response cannot carry a body with. */
const NULL_BODY_STATUSES: ReadonlySet<number> = new Set([204, 205, 304]);

export function guardedFetch(o: GuardOptions): typeof globalThis.fetch {
  return async (input, init) => {
    const url = new URL(input instanceof Request ? input.url : String(input));
    const method = (init?.method ?? 'GET').toUpperCase();
    if (url.origin !== o.api.origin) {
      throw new GitHubFailure(
        'refused',
        `refused to send ${method} to ${url.origin}: the token goes to GITHUB_API_URL's origin (${o.api.origin}) only`,
      );
    }
    const headers = Object.fromEntries(new Headers(init?.headers).entries());
    const body = typeof init?.body === 'string' ? init.body : undefined;
    // A POST is never sent twice from here: only its caller can tell, by listing again, whether it took effect.
    const repeatable = method === 'GET' || method === 'PATCH';
    const where = `${method} ${url.pathname}${url.search}`;
    for (let attempt = 0; ; attempt++) {
      const last = !repeatable || attempt >= o.retries;
      const started = performance.now();
      const took = () => `in ${Math.round(performance.now() - started)} ms (GitHub)`;
      const signals = [AbortSignal.timeout(o.timeoutMs), ...(init?.signal ? [init.signal] : [])];
      let response: Awaited<ReturnType<FetchLike>>;
      let text: string | undefined;
      try {
        response = await o.fetch(url.href, {
          method,
          headers,
          ...(body === undefined ? {} : { body }),
          redirect: 'manual',
          signal: AbortSignal.any(signals),
        });
        // The body is read under the same timeout: a server that stalls mid-body is a timeout too.
        const read = await readBody(response, MAX_BODY_BYTES);
        text = read === undefined ? undefined : redactSecret(read, o.token);
      } catch (error) {
        const failure = networkFailure(error, where, o.timeoutMs);
        o.info(`${where} → ${failure.code} ${took()}`);
        if (last) throw failure;
        await o.sleep(backoffDelay(attempt, o.random));
        continue;
      }
      const { status } = response;
      o.info(`${where} → ${status} ${took()}`);
      if (text === undefined) throw new GitHubFailure('too-large', `GitHub's response to ${where} is over 10 MB`);
      // With redirects not followed, octokit would take a 3xx for success.
      if (status >= 300 && status < 400 && status !== 304) {
        const target = originOf(response.headers.get('location'), url);
        throw new GitHubFailure(
          'redirect',
          `GitHub responded to ${where} with a redirect (${status}) to ${target}, not followed: the token is sent to GITHUB_API_URL only`,
        );
      }
      if (status < 200 || status > 599) {
        throw new GitHubFailure('network', `GitHub responded to ${where} with the unusable status ${status}`);
      }
      const wait = last ? undefined : retryWait(status, response.headers, attempt, o.random);
      if (wait !== undefined) {
        await o.sleep(wait);
        continue;
      }
      const get = (name: string) => {
        const value = response.headers.get(name);
        return value === null ? null : redactSecret(value, o.token);
      };
      return toResponse(url, status, { get }, text);
    }
  };
}

/**
 * How long to wait before another try of a response worth one: a 429 or 5xx,
 * or a 403 with Retry-After (GitHub's secondary rate limit). Undefined when
 * not worth one, or when GitHub asks for a longer wait than a comment is worth.
 */
export function retryWait(
  status: number,
  headers: { get(name: string): string | null },
  attempt: number,
  random: () => number,
): number | undefined {
  const retryAfter = headers.get('retry-after');
  if (!RETRYABLE_STATUSES.has(status) && !(status === 403 && retryAfter !== null)) return undefined;
  const asked = parseRetryAfter(retryAfter);
  if (asked === undefined) return backoffDelay(attempt, random);
  return asked > MAX_WAIT_MS ? undefined : asked;
}

function networkFailure(error: unknown, where: string, timeoutMs: number): GitHubFailure {
  const name = error instanceof Error ? error.name : '';
  if (name === 'TimeoutError' || name === 'AbortError') {
    return new GitHubFailure('timeout', `${where} had no response within ${timeoutMs / 1000} s`, 'timed out');
  }
  // fetch wraps socket errors: TypeError('fetch failed', { cause: { code: 'ECONNRESET' } }).
  const cause = error instanceof Error && error.cause instanceof Error ? error.cause : error;
  const code = typeof cause === 'object' && cause !== null && 'code' in cause ? String(cause.code) : '';
  const message = cause instanceof Error ? cause.message : String(cause);
  return new GitHubFailure('network', `${where} failed: ${code ? `${code}: ` : ''}${message}`, code || 'network error');
}

function originOf(location: string | null, base: URL): string {
  if (location === null) return 'no location';
  try {
    return new URL(location, base).origin;
  } catch {
    return 'an unreadable location';
  }
}

function toResponse(url: URL, status: number, from: { get(name: string): string | null }, text: string): Response {
  const headers = new Headers();
  for (const name of KEPT_HEADERS) {
    const value = from.get(name);
    if (value !== null) headers.set(name, value);
  }
  const response = new Response(NULL_BODY_STATUSES.has(status) ? null : text, { status, headers });
  // A constructed Response has no url; octokit reports it.
  Object.defineProperty(response, 'url', { value: url.href });
  return response;
}
