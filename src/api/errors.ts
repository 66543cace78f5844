/**
 * What went wrong, in the terms the action reports as `error-code`: `http` an
 * answer with an error status; `bad-response` an answer the action cannot use
 * (too large, or pages without end); `rate-limited` a limit that resets too late to wait for.
 */
export type FailureKind = 'http' | 'timeout' | 'network' | 'bad-response' | 'rate-limited' | 'canceled';

export interface AvalaErrorOptions {
  kind: FailureKind;
  method: string;
  /** Path and query of the request, never the full URL: the origin is the configured base-url. */
  path: string;
  status?: number;
  /** The API's machine-readable `code`, e.g. `plan_insufficient`. */
  code?: string;
  /** People-readable text: the API's `detail`, flattened, or what we could tell of the answer. */
  detail: string;
  docUrl?: string;
  /** True when a state-changing request may have been acted on although no answer arrived. */
  outcomeUnknown?: boolean;
  attempts?: number;
  cause?: unknown;
  /** The request was refused before sending: its URL was on another origin than base-url. */
  refusedOrigin?: boolean;
}

/** A failed call to the Avala API. Carries no request headers, so no credentials. */
export class AvalaError extends Error {
  override readonly name = 'AvalaError';
  readonly kind: FailureKind;
  readonly method: string;
  readonly path: string;
  readonly status: number | undefined;
  readonly code: string | undefined;
  readonly detail: string;
  readonly docUrl: string | undefined;
  readonly outcomeUnknown: boolean;
  readonly attempts: number;
  /** What the error was made of, to make a variant of it. */
  readonly options: AvalaErrorOptions;

  constructor(options: AvalaErrorOptions) {
    super(formatMessage(options), { cause: options.cause });
    this.options = options;
    this.kind = options.kind;
    this.method = options.method;
    this.path = options.path;
    this.status = options.status;
    this.code = options.code;
    this.detail = options.detail;
    this.docUrl = options.docUrl;
    this.outcomeUnknown = options.outcomeUnknown ?? false;
    this.attempts = options.attempts ?? 1;
  }

  /** The same error, with advice for the reader added to its detail. */
  withAdvice(advice: string): AvalaError {
    return new AvalaError({ ...this.options, detail: `${this.detail.replace(/\.$/, '')}. ${advice}` });
  }

  /**
   * A failure every other item of the run would meet alike, so a batch stops at
   * once: a key refused, a plan or scope the key lacks, an origin refused.
   */
  get failsEveryItem(): boolean {
    if (this.status === 401) return true;
    if (this.status === 403 && (this.code === 'plan_insufficient' || this.code === 'scope_required')) return true;
    return this.options.refusedOrigin === true;
  }

  /** The value of the action's `error-code` output. */
  get errorCode(): string {
    if (this.code) return this.code;
    if (this.kind === 'http' && this.status !== undefined) return `http-${this.status}`;
    return this.kind;
  }
}

function formatMessage(o: AvalaErrorOptions): string {
  const where = `${o.method} ${o.path}`;
  const tries = (o.attempts ?? 1) > 1 ? ` after ${o.attempts} attempts` : '';
  let head: string;
  if (o.status !== undefined) {
    head = `Avala API answered ${o.status}${o.code ? ` ${o.code}` : ''}: ${o.detail} (${where}${tries})`;
  } else {
    head = `${where} failed${tries}: ${o.detail}`;
  }
  return oneLine(o.docUrl ? `${head}. See ${o.docUrl}` : head);
}

/** Replaces every occurrence of a secret, so that text that echoes it can be logged or reported. */
export function redact(text: string, secret: string): string {
  return secret ? text.split(secret).join('***') : text;
}

/**
 * As redact, for an answer's text, which may hold the secret as JSON can write
 * it: with `"` or `\\` escaped, or any printable character as `\\u00XX` or `\\/`.
 * Those escapes are decoded first (which leaves the JSON's meaning as it was),
 * so that no spelling of the secret survives.
 */
export function redactSecret(text: string, secret: string): string {
  if (!secret) return text;
  const plain = text.includes('\\') ? text.replace(/\\(\\|\/|u00([2-7][0-9A-Fa-f]))/g, unescapePrintable) : text;
  const escaped = JSON.stringify(secret).slice(1, -1);
  const out = redact(plain, secret);
  return escaped === secret ? out : redact(out, escaped);
}

function unescapePrintable(sequence: string, what: string, hex: string | undefined): string {
  if (what === '/') return '/';
  const char = hex === undefined ? '' : String.fromCharCode(Number.parseInt(hex, 16));
  // A quote, a backslash or DEL keep their escape: decoding them would change the JSON.
  return char && char !== '"' && char !== '\\' && char !== '\x7f' ? char : sequence;
}

/** Collapses white space so that an error is one log line and one annotation. */
export function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

/**
 * Turns an error body into one readable string. Handles `{"detail": "..."}`,
 * `{"detail": {"field": ["..."]}}` and Django-style `{"field": ["..."]}`.
 */
export function describeErrorBody(body: unknown): { detail: string; code?: string; docUrl?: string } {
  if (!isObject(body)) return { detail: shorten(typeof body === 'string' ? body : 'no details given') };
  // A code becomes the error-code output and a link goes into the message: only well-formed ones are kept.
  const code = typeof body.code === 'string' && /^[A-Za-z0-9_.-]{1,64}$/.test(body.code) ? body.code : undefined;
  const docUrl =
    typeof body.doc_url === 'string' && body.doc_url.length <= 300 && /^https:\/\/[^\s]+$/.test(body.doc_url)
      ? body.doc_url
      : undefined;
  const source = 'detail' in body ? body.detail : withoutKeys(body, ['code', 'doc_url']);
  const detail = shorten(flatten(source).join('; ') || 'no details given');
  return { detail, ...(code ? { code } : {}), ...(docUrl ? { docUrl } : {}) };
}

/** The most of an API's text that a message carries: an answer can hold megabytes of it. */
const MAX_DETAIL_CHARS = 1000;

export function shorten(text: string, max = MAX_DETAIL_CHARS): string {
  const chars = [...text.slice(0, max + 1)];
  return chars.length > max ? `${chars.slice(0, max).join('')}…` : text;
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

export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
