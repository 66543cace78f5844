import { ActionError, type ErrorCode } from '../errors.ts';
import { oneLine } from './text.ts';

/**
 * What went wrong, in the terms the action reports as `error-code`: `http` a
 * response with an error status; `bad-response` a response the action cannot
 * use (too large, or pages without end); `rate-limited` a limit that resets too
 * late to wait for.
 */
export type FailureKind = 'http' | 'timeout' | 'network' | 'bad-response' | 'rate-limited' | 'canceled';

export interface AvalaErrorOptions {
  kind: FailureKind;
  method: string;
  /** Path and query of the request, never the full URL: the origin is the configured base-url. */
  path: string;
  status?: number;
  /** The API's machine-readable `code`, e.g. `plan_insufficient`. */
  apiCode?: string;
  /** People-readable text: the API's `detail`, flattened, or what we could tell of the response. */
  detail: string;
  docUrl?: string;
  /** True when a state-changing request may have been acted on although no usable response arrived. */
  outcomeUnknown?: boolean;
  attempts?: number;
  cause?: unknown;
  /** The request was refused before sending: its URL was on another origin than base-url. */
  refusedOrigin?: boolean;
  /** The response was a redirect, which is not followed: the key goes to base-url only. */
  redirected?: boolean;
}

/** A failed call to the Avala API. Carries no request headers, so no credentials. */
export class AvalaError extends ActionError {
  override readonly name = 'AvalaError';
  readonly kind: FailureKind;
  readonly method: string;
  readonly path: string;
  readonly status: number | undefined;
  readonly apiCode: string | undefined;
  readonly detail: string;
  readonly docUrl: string | undefined;
  readonly outcomeUnknown: boolean;
  readonly attempts: number;
  /** What the error was made of, to make a variant of it. */
  readonly options: AvalaErrorOptions;

  constructor(options: AvalaErrorOptions) {
    super(errorCodeOf(options), formatMessage(options), { cause: options.cause });
    this.options = options;
    this.kind = options.kind;
    this.method = options.method;
    this.path = options.path;
    this.status = options.status;
    this.apiCode = options.apiCode;
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
   * once: a key refused, a plan or scope the key lacks, a redirect or an origin refused.
   */
  get failsEveryItem(): boolean {
    if (this.status === 401) return true;
    if (this.status === 403 && (this.apiCode === 'plan_insufficient' || this.apiCode === 'scope_required')) return true;
    return this.options.refusedOrigin === true || this.options.redirected === true;
  }
}

/**
 * An answer no API sends, whatever its status says: reported as `bad-response`.
 * Other shape errors are plain TypeErrors, reported under the response's status.
 */
export class MalformedAnswer extends TypeError {
  override readonly name = 'MalformedAnswer';
}

/** The action's `error-code` for a failed call: the API's code, else http-<status>, else the kind. */
function errorCodeOf(o: AvalaErrorOptions): ErrorCode {
  if (o.apiCode) return o.apiCode;
  if (o.kind === 'http' && o.status !== undefined) return `http-${o.status}`;
  return o.kind;
}

function formatMessage(o: AvalaErrorOptions): string {
  const where = `${o.method} ${o.path}`;
  const tries = (o.attempts ?? 1) > 1 ? ` after ${o.attempts} attempts` : '';
  let head: string;
  if (o.status !== undefined) {
    head = `Avala API responded ${o.status}${o.apiCode ? ` ${o.apiCode}` : ''}: ${o.detail} (${where}${tries})`;
  } else {
    head = `${where} failed${tries}: ${o.detail}`;
  }
  return oneLine(o.docUrl ? `${head}. See ${o.docUrl}` : head);
}
