/** Generic checks of one input's value; each throws an InputError that names the input. */
import { LOOPBACK_HOSTS, PROXY_VARIABLES } from '../api/transport.ts';
import { InputError, show } from './errors.ts';

export function required(value: string, input: string, what: string): string {
  if (value === '') throw new InputError(input, `Missing ${input}: expected ${what}.`);
  return value;
}

export function optional<T>(value: string, parse: (value: string) => T): T | undefined {
  return value === '' ? undefined : parse(value);
}

export function parseChoice<const T extends readonly string[]>(input: string, value: string, choices: T): T[number] {
  if ((choices as readonly string[]).includes(value)) return value;
  throw new InputError(input, `Invalid ${input} ${show(value)}. Expected one of: ${choices.join(', ')}.`);
}

export function parseBaseUrl(input: string, value: string): URL {
  const expected =
    'Expected an https:// URL such as https://api.avala.ai/api/v1 (http:// only for localhost, 127.0.0.1 or [::1]).';
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new InputError(input, `Invalid ${input} ${show(value)}. ${expected}`);
  }
  // Never echo a URL that carries credentials: that would print them.
  if (url.username || url.password) {
    throw new InputError(
      input,
      `Invalid ${input}: it must not carry credentials (user:password@); the API key goes in api-key.`,
    );
  }
  const secure = url.protocol === 'https:' || (url.protocol === 'http:' && LOOPBACK_HOSTS.has(url.hostname));
  if (!secure) throw new InputError(input, `Invalid ${input} ${show(value)}. ${expected}`);
  if (url.search || url.hash) {
    throw new InputError(input, `Invalid ${input} ${show(value)}: it must not have a query or fragment.`);
  }
  url.pathname = url.pathname.replace(/\/+$/, '');
  return url;
}

/** UIDs as the API documents them (8-4-4-4-12, letters and digits) and no character that could change a path. */
const UID = /^[A-Za-z0-9](?:[A-Za-z0-9_-]{0,98}[A-Za-z0-9])?$/;

export function parseUid(input: string, value: string, what: string): string {
  if (UID.test(value)) return value;
  const pasted = pastedUid(input, value, what);
  if (pasted) throw pasted;
  throw new InputError(
    input,
    `Invalid ${input} ${show(value)}. Expected ${what} such as 770a9600-a40d-63f6-c938-668877660000 (letters, digits and hyphens).`,
  );
}

/** An 8-4-4-4-12 run of letters and digits standing on its own inside a longer value. */
const UID_RUN =
  /(?<![A-Za-z0-9])[A-Za-z0-9]{8}-[A-Za-z0-9]{4}-[A-Za-z0-9]{4}-[A-Za-z0-9]{4}-[A-Za-z0-9]{12}(?![A-Za-z0-9])/g;
/** A scheme (https://) or a host name followed by a path (app.avala.ai/...). */
const URL_LIKE = /^(?:[A-Za-z][A-Za-z0-9+.-]*:\/\/|[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+\/)/;

/**
 * For a value pasted from Avala's address bar (or with the UID among other
 * text), the error that names the UID in full: show() would cut a URL short
 * just before the part that matters. The URL itself is not echoed.
 */
export function pastedUid(input: string, value: string, what: string): InputError | undefined {
  const runs = [...new Set(value.match(UID_RUN))].slice(0, 3);
  const url = URL_LIKE.test(value);
  if (runs.length === 0 && !url) return undefined;
  const the = what.replace(/^an? /, 'the ');
  const found = runs.length === 1 ? `: ${runs[0]}.` : `, one of: ${runs.join(', ')}.`;
  let message: string;
  if (!url) message = `Invalid ${input} ${show(value)}: paste ${the} alone${found}`;
  else if (runs.length === 0) message = `Invalid ${input}: it is a URL with no UID in it; paste ${the} (8-4-4-4-12).`;
  else message = `Invalid ${input}: it is a URL; paste ${the} from it${found}`;
  return new InputError(input, message);
}

/** Usernames and e-mail addresses; no '/', '?', '#', '%', white space or '..' that could change the path. */
const OWNER = /^[A-Za-z0-9_+@-][A-Za-z0-9._+@-]{0,149}$/;

export function parseOwner(input: string, value: string): string {
  if (OWNER.test(value) && !value.includes('..')) return value;
  throw new InputError(
    input,
    `Invalid ${input} ${show(value)}. Expected a username or e-mail address (letters, digits and . _ + @ -).`,
  );
}

export function parseName(input: string, value: string): string {
  const length = [...value].length;
  if (length < 1 || length > 100) {
    throw new InputError(input, `Invalid ${input} ${show(value)}. Expected 1 to 100 characters, got ${length}.`);
  }
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what this rejects.
  if (/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/.test(value)) {
    throw new InputError(input, `Invalid ${input} ${show(value)}. Expected no control characters (newlines, tabs).`);
  }
  return value;
}

export function parseOrdering(input: string, value: string): string {
  if (/^-?[A-Za-z_][A-Za-z0-9_]*(,-?[A-Za-z_][A-Za-z0-9_]*)*$/.test(value)) return value;
  throw new InputError(
    input,
    `Invalid ${input} ${show(value)}. Expected field names separated by commas, each optionally preceded by '-', such as -name.`,
  );
}

export function parseBoolean(input: string, value: string): boolean {
  // The YAML 1.2 core schema, as core.getBooleanInput reads it.
  if (['true', 'True', 'TRUE'].includes(value)) return true;
  if (['false', 'False', 'FALSE'].includes(value)) return false;
  throw new InputError(input, `Invalid ${input} ${show(value)}. Expected true or false.`);
}

export function parseNumber(
  input: string,
  value: string,
  range: { min: number; max: number; integer: boolean },
): number {
  const pattern = range.integer ? /^\d+$/ : /^\d+(\.\d+)?$/;
  const number = Number(value);
  const inRange = range.integer ? number >= range.min : number > range.min;
  if (pattern.test(value) && inRange && number <= range.max) return number;
  const expected = range.integer
    ? `a whole number from ${range.min} to ${range.max}`
    : `a number greater than ${range.min} and at most ${range.max}`;
  throw new InputError(input, `Invalid ${input} ${show(value)}. Expected ${expected}.`);
}

/** Proxy variables as requests will read them; never echoed, since a proxy URL may carry a password. */
export function checkProxyVariables(env: NodeJS.ProcessEnv): void {
  for (const name of PROXY_VARIABLES) {
    const value = env[name];
    if (!value) continue;
    let protocol = '';
    try {
      protocol = new URL(value).protocol;
    } catch {
      // Reported below, without the value.
    }
    if (protocol !== 'http:' && protocol !== 'https:') {
      throw new InputError(
        name,
        `Invalid ${name} environment variable: expected a proxy URL such as http://proxy.example.com:3128.`,
      );
    }
  }
}
