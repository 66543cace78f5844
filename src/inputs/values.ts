/** Inputs that hold several values, and the dataset references they may name. */
import type { DatasetRef } from '../api/types.ts';
import { InputError, show } from './errors.ts';
import { parseOwner, pastedUid } from './validate.ts';

/** One value per line or comma-separated, blanks dropped, each value once, in the order given. */
export function parseList(value: string): string[] {
  return [
    ...new Set(
      value
        .split(/[\n,]/)
        .map((v) => v.trim())
        .filter(Boolean),
    ),
  ];
}

/** A dataset or slice UID in the documented 8-4-4-4-12 layout of letters and digits. */
const UID = /^[A-Za-z0-9]{8}-[A-Za-z0-9]{4}-[A-Za-z0-9]{4}-[A-Za-z0-9]{4}-[A-Za-z0-9]{12}$/;

/** Slugs as Avala makes them: lower-case letters, digits, `-` and `_`. */
const SLUG = /^[a-z0-9][a-z0-9_-]{0,99}$/;

export function isSlug(value: string): boolean {
  return SLUG.test(value);
}

/** A dataset or slice by UID, or as `owner/slug`; nothing that could change a request's path. */
export function parseDatasetRef(input: string, value: string, what: 'dataset' | 'slice'): DatasetRef {
  const parts = value.split('/');
  if (parts.length === 2) {
    const [owner = '', slug = ''] = parts;
    if (SLUG.test(slug)) {
      try {
        return { owner: parseOwner(input, owner), slug };
      } catch {
        // Reported below, as a whole value.
      }
    }
  } else if (UID.test(value)) {
    return { uid: value };
  } else if (SLUG.test(value)) {
    // A slug alone names no dataset: slugs are unique per owner only.
    throw new InputError(
      input,
      `Invalid ${input} ${show(value)}: a ${what} is a UID (8-4-4-4-12) or owner/slug. For the slug ${value}, write owner/${value}, such as acme/${value}.`,
    );
  }
  const pasted = pastedUid(input, value, `a ${what} UID`);
  if (pasted) throw pasted;
  throw new InputError(
    input,
    `Invalid ${input} ${show(value)}. Expected a ${what} UID such as 770a9600-a40d-63f6-c938-668877660000, or owner/slug such as acme/street-2026-w47 (a slug has lower-case letters, digits, - and _).`,
  );
}

/** What `{dataset}` stands for: the slug of an owner/slug reference, else the UID. */
export function labelOf(ref: DatasetRef): string {
  return 'uid' in ref ? ref.uid : ref.slug;
}
