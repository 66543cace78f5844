/** Text helpers for what crosses the wire: secrets taken out, one line, a bounded length, a JSON object test. */

/** Replaces every occurrence of a secret, so that text that echoes it can be logged or reported. */
export function redact(text: string, secret: string): string {
  return secret ? text.split(secret).join('***') : text;
}

/**
 * As redact, for a response's text, which may hold the secret as JSON can write
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

/** The most of an API's text that a message carries: a response can hold megabytes of it. */
const MAX_DETAIL_CHARS = 1000;

export function shorten(text: string, max = MAX_DETAIL_CHARS): string {
  const chars = [...text.slice(0, max + 1)];
  return chars.length > max ? `${chars.slice(0, max).join('')}…` : text;
}

export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
