/** Text as HTML within GitHub's Markdown: inert, on one line, names from the API or the repository as code. */
import { escapeLine } from './github.ts';

/** Characters of one cell; a longer text is shortened. */
export const MAX_CELL = 200;

/**
 * A sentence of ours that quotes names from the API or the repository as
 * messages do (`"datasets/GH-5"`): the quoted parts as code, so that none can
 * read as a mention or an issue reference; the rest as prose.
 */
export function quoted(value: string, max: number): string {
  const text = value.length > max ? `${value.slice(0, max)}…` : value;
  return text
    .split(/("(?:[^"\\\n]|\\.)*")/)
    .map((part, i) => (i % 2 === 1 ? code(part) : prose(part, max)))
    .join('');
}

/** A name or path from a response or the repository, as code: it can only ever read as text. */
export function code(value: unknown): string {
  const text = inert(value);
  return text ? `<code>${text}</code>` : '';
}

/**
 * Any value as inert text on one line: shortened, line breaks shown as \n (a
 * blank line would end the HTML block and let Markdown in), and the characters
 * HTML or Markdown give a meaning written as entities. Mentions and issue
 * references are only inert inside code, which is where API text goes.
 */
/**
 * Text outside code, where GitHub links mentions and issue references even in
 * HTML: a zero-width space after `@` and `#` keeps them plain text.
 */
export function prose(value: unknown, max = MAX_CELL): string {
  return inert(value, max).replace(/@|&#35;/g, '$&\u200b');
}

export function inert(value: unknown, max = MAX_CELL): string {
  const text = typeof value === 'string' || typeof value === 'number' ? String(value) : '';
  const cut = text.length > max ? `${text.slice(0, max)}…` : text;
  // One line, as in the log; then HTML's and Markdown's characters as entities.
  return escapeLine(cut).replace(/[&<>"'`*_[\]!#|~\\]/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** A URL that passed our own check, as an attribute value. */
export function attribute(url: string): string {
  return url.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
