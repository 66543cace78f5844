/** Turns what came back (a response or a network failure) into values and errors the client reports. */
import { AvalaError } from './errors.ts';
import { NOT_ACTED_STATUSES, NOT_SENT_CODES } from './retry.ts';
import { isObject, oneLine, shorten } from './text.ts';

export interface ReceivedResponse {
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

/** The most a response's body may hold once decompressed; past it the response is refused unread. */
export const MAX_BODY_BYTES = 10 * 1024 * 1024;
export const OVERSIZED = `the response is larger than the ${MAX_BODY_BYTES / 1024 / 1024} MB the action reads`;

/** What came back: no response, or a response whose text is undefined when it was too large to read. */
export type ResponseOrFailure =
  | { failure: NetworkFailure }
  | (Omit<ReceivedResponse, 'text'> & { text: string | undefined });

/**
 * The response's body as text, read as it arrives and at most `max` bytes of it
 * once decompressed; undefined when there is more, which is not read at all.
 */
export async function readBody(
  response: { body: ReadableStream<Uint8Array> | null },
  max: number,
): Promise<string | undefined> {
  if (!response.body) return '';
  const reader = response.body.getReader();
  const decoder = new TextDecoder();
  let text = '';
  let bytes = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return text + decoder.decode();
    bytes += value.byteLength;
    if (bytes > max) {
      // Cancelling stops the download and the decompression; an endless or inflating body ends here.
      await reader.cancel().catch(() => undefined);
      return undefined;
    }
    text += decoder.decode(value, { stream: true });
  }
}

export function succeeded(status: number): boolean {
  return status >= 200 && status < 300;
}

/**
 * Whether a state-changing request may have taken effect although its response
 * cannot be used: any 2xx, and a server error other than 503.
 */
export function unknownOutcome(method: string, status: number): boolean {
  return method !== 'GET' && (succeeded(status) || (status >= 500 && !NOT_ACTED_STATUSES.has(status)));
}

/** Parses a JSON response (its text redacted on arrival). */
export function parseJson(response: ReceivedResponse): { ok: true; value: unknown } | { ok: false; problem: string } {
  if (response.text === '' && response.status === 204) return { ok: true, value: null };
  try {
    return { ok: true, value: JSON.parse(response.text) };
  } catch {
    const type = response.headers.get('content-type') ?? 'no content type';
    const snippet = oneLine(response.text.replace(/<[^>]*>/g, ' ')).slice(0, 120);
    return {
      ok: false,
      problem: `expected a JSON response, got ${type}${snippet ? `: "${snippet}"` : ' with an empty body'}`,
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

/** The error for an attempt that got no response. */
export function networkError(
  failure: NetworkFailure,
  request: { method: string; path: string; attempts: number; timeoutMs: number },
): AvalaError {
  const { method, path, attempts, timeoutMs } = request;
  return new AvalaError({
    kind: failure.timedOut ? 'timeout' : 'network',
    method,
    path,
    detail: failure.timedOut ? `no response within ${timeoutMs / 1000} s` : failure.message,
    outcomeUnknown: method !== 'GET' && !NOT_SENT_CODES.has(failure.code),
    attempts,
    cause: failure.cause,
  });
}

/**
 * The error for a non-2xx response. A server error other than 503 may come after
 * the server acted on a state-changing request, so its outcome is unknown.
 */
export function httpError(
  request: { method: string; path: string; attempts: number; base: URL },
  response: ReceivedResponse,
): AvalaError {
  const { method, path, attempts } = request;
  const outcomeUnknown = unknownOutcome(method, response.status);
  const common = { kind: 'http' as const, method, path, status: response.status, attempts, outcomeUnknown };
  if (response.status >= 300 && response.status < 400) {
    const location = response.headers.get('location');
    const target = location ? safeOrigin(location, request.base) : 'an unknown location';
    return new AvalaError({
      ...common,
      redirected: true,
      detail: `redirect to ${target} not followed: the API key is sent to base-url only`,
    });
  }
  const json = parseJson(response);
  if (!json.ok) return new AvalaError({ ...common, detail: json.problem });
  return new AvalaError({ ...common, ...describeErrorBody(json.value) });
}

function safeOrigin(location: string, base: URL): string {
  try {
    return new URL(location, base).origin;
  } catch {
    return 'an unreadable location';
  }
}

/**
 * Turns an error body into one readable string. Handles `{"detail": "..."}`,
 * `{"detail": {"field": ["..."]}}` and Django-style `{"field": ["..."]}`.
 */
export function describeErrorBody(body: unknown): { detail: string; apiCode?: string; docUrl?: string } {
  if (!isObject(body)) return { detail: shorten(typeof body === 'string' ? body : 'no details given') };
  // A code becomes the error-code output and a link goes into the message: only well-formed ones are kept.
  const apiCode = typeof body.code === 'string' && /^[A-Za-z0-9_.-]{1,64}$/.test(body.code) ? body.code : undefined;
  const docUrl =
    typeof body.doc_url === 'string' && body.doc_url.length <= 300 && /^https:\/\/[^\s]+$/.test(body.doc_url)
      ? body.doc_url
      : undefined;
  const source = 'detail' in body ? body.detail : withoutKeys(body, ['code', 'doc_url']);
  const detail = shorten(flatten(source).join('; ') || 'no details given');
  return { detail, ...(apiCode ? { apiCode } : {}), ...(docUrl ? { docUrl } : {}) };
}

/** `{"name": ["Too long."], "non_field_errors": ["Bad."]}` → `["name: Too long.", "Bad."]`. */
function flatten(value: unknown, field = ''): string[] {
  if (value === null || value === undefined) return [];
  if (Array.isArray(value)) return value.flatMap((v) => flatten(v, field));
  if (isObject(value)) {
    return Object.entries(value).flatMap(([key, v]) => {
      const sub = key === 'non_field_errors' || key === 'detail' ? field : field ? `${field}.${key}` : key;
      return flatten(v, sub);
    });
  }
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  return [field ? `${field}: ${text}` : text];
}

function withoutKeys(o: Record<string, unknown>, keys: string[]): Record<string, unknown> {
  return Object.fromEntries(Object.entries(o).filter(([k]) => !keys.includes(k)));
}
