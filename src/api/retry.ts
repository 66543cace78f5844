/** The longest the action waits for a rate limit before it gives up instead. */
export const MAX_WAIT_MS = 60_000;
const BACKOFF_BASE_MS = 500;
const BACKOFF_CAP_MS = 8_000;

/** Exponential backoff with full jitter: a random wait in [0, min(cap, base·2^attempt)). */
export function backoffDelay(attempt: number, random: () => number = Math.random): number {
  return Math.floor(random() * Math.min(BACKOFF_CAP_MS, BACKOFF_BASE_MS * 2 ** attempt));
}

/**
 * Milliseconds to wait from a `Retry-After` header: seconds (whole or decimal,
 * and the first of a list a proxy made by repeating the header) or an HTTP
 * date. Undefined when the header is absent or unreadable, which means back
 * off: an unreadable value never means "at once".
 */
export function parseRetryAfter(value: string | null, now: number = Date.now()): number | undefined {
  if (value === null) return undefined;
  const seconds = value.match(/^\s*(\d+(?:\.\d+)?)\s*(?:,\s*\d+(?:\.\d+)?\s*)*$/);
  if (seconds) return Math.round(Number(seconds[1]) * 1000);
  // An IMF-fixdate, the form HTTP requires: Sun, 06 Nov 1994 08:49:37 GMT.
  const date = value.trim().match(/^[A-Z][a-z]{2}, \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} GMT/);
  if (!date) return undefined;
  const at = Date.parse(date[0]);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

/**
 * Network error codes that mean the request never reached the server, so even
 * a state-changing request can be sent again.
 */
export const NOT_SENT_CODES: ReadonlySet<string> = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'UND_ERR_CONNECT_TIMEOUT',
]);

/** Statuses after which a state-changing request is known not to have been acted on. */
export const NOT_ACTED_STATUSES: ReadonlySet<number> = new Set([429, 503]);

/** Statuses worth another try for a request that changes nothing. */
export const RETRYABLE_STATUSES: ReadonlySet<number> = new Set([429, 500, 502, 503, 504]);
