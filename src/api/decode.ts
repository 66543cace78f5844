/** Turns what came back (an answer or a network failure) into values and errors the client reports. */
import { AvalaError, describeErrorBody, isObject, oneLine } from './errors.ts';
import { NOT_ACTED_STATUSES } from './retry.ts';

export interface Answer {
  status: number;
  headers: { get(name: string): string | null };
  text: string;
}

export interface NetworkFailure {
  code: string;
  timedOut: boolean;
  message: string;
  cause: unknown;
}

export function parseJson(answer: Answer): { ok: true; value: unknown } | { ok: false; problem: string } {
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

export function describeNetworkFailure(error: unknown): NetworkFailure {
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

/**
 * The error for a non-2xx answer. A server error other than 503 may come after
 * the server acted on a state-changing request, so its outcome is unknown.
 */
export function httpError(
  request: { method: string; path: string; attempts: number; base: URL; redact: (text: string) => string },
  answer: Answer,
): AvalaError {
  const { method, path, attempts } = request;
  const outcomeUnknown = method !== 'GET' && answer.status >= 500 && !NOT_ACTED_STATUSES.has(answer.status);
  const common = { kind: 'http' as const, method, path, status: answer.status, attempts, outcomeUnknown };
  if (answer.status >= 300 && answer.status < 400) {
    const location = answer.headers.get('location');
    const target = location ? safeOrigin(location, request.base) : 'an unknown location';
    return new AvalaError({
      ...common,
      detail: `redirect to ${target} not followed: the API key is sent to base-url only`,
    });
  }
  const json = parseJson(answer);
  if (!json.ok) return new AvalaError({ ...common, detail: request.redact(json.problem) });
  const described = describeErrorBody(json.value);
  return new AvalaError({ ...common, ...described, detail: request.redact(described.detail) });
}

function safeOrigin(location: string, base: URL): string {
  try {
    return new URL(location, base).origin;
  } catch {
    return 'an unreadable location';
  }
}
