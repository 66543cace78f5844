/**
 * `dataset-dirs`: the directories of the checkout that are datasets. The
 * checkout is the truth, whatever the event: every directory a glob matches,
 * less those a `!` line excludes, is one dataset named after it.
 */
import type { Dirent } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { join, matchesGlob } from 'node:path';
import { InputError, show } from './errors.ts';
import { isSlug } from './values.ts';

/** Where the globs come from, as messages name it: the input, or a config key. */
const INPUT = 'dataset-dirs';

export interface DirGlobs {
  include: string[];
  exclude: string[];
}

/** The globs, one per line; `!` lines exclude. Each is a directory pattern at a fixed depth inside the checkout. */
export function parseDirGlobs(value: string, input = INPUT): DirGlobs {
  const globs: DirGlobs = { include: [], exclude: [] };
  for (const line of value.split('\n')) {
    const trimmed = line.trim();
    if (!trimmed) continue;
    const excluded = trimmed.startsWith('!');
    const glob = (excluded ? trimmed.slice(1).trim() : trimmed).replace(/\/+$/, '');
    checkGlob(glob, input);
    (excluded ? globs.exclude : globs.include).push(glob);
  }
  if (globs.include.length === 0) {
    throw new InputError(input, `Invalid ${input}: expected at least one directory pattern, such as datasets/*.`);
  }
  return globs;
}

function checkGlob(glob: string, input: string): void {
  const invalid = (why: string) =>
    new InputError(input, `Invalid ${input} ${show(glob)}: ${why}. Expected a pattern such as datasets/*.`);
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what this rejects.
  if (/[\u0000-\u001f\u007f]/.test(glob)) throw invalid('it holds control characters');
  if (glob.includes('\\')) throw invalid('backslashes are not path separators here; use /');
  if (glob.startsWith('/') || /^[A-Za-z]:/.test(glob)) throw invalid('it is absolute; give a path inside the checkout');
  if (glob.includes('**')) throw invalid('** is refused, since a dataset is a directory at a fixed depth');
  if (/\{[^}]*\/[^}]*\}/.test(glob)) throw invalid('a {…} group may not hold /, since a dataset is at a fixed depth');
  if (glob.split('/').some((s) => s === '..' || s === '.' || s === '')) {
    throw invalid('. and .. segments and empty segments are refused');
  }
}

/**
 * The matching directories as workspace-relative paths: in the order of the
 * globs and, within a glob, sorted by code point; each once. Hidden
 * directories and symbolic links are not followed.
 */
export async function findDatasetDirs(
  workspace: string | undefined,
  globs: DirGlobs,
  input = INPUT,
): Promise<string[]> {
  const noCheckout = (why: string) =>
    new InputError(
      input,
      `Invalid ${input}: ${why}, so there are no directories to read. Add actions/checkout as a step before this one.`,
    );
  if (!workspace) throw noCheckout('GITHUB_WORKSPACE is not set');
  const top = await list(workspace);
  if (top === undefined) throw noCheckout(`the workspace ${show(workspace)} does not exist`);
  if (top.length === 0) throw noCheckout(`the workspace ${show(workspace)} is empty`);

  const found = new Set<string>();
  for (const glob of globs.include) {
    let level = [''];
    for (const segment of glob.split('/')) {
      const next: string[] = [];
      for (const dir of level) {
        const entries = dir === '' ? top : ((await list(join(workspace, dir))) ?? []);
        for (const entry of entries) {
          if (entry.isDirectory() && !entry.name.startsWith('.') && matchesGlob(entry.name, segment)) {
            next.push(dir ? `${dir}/${entry.name}` : entry.name);
          }
        }
      }
      level = next;
    }
    // Matched segment by segment, which is the whole glob, since no {…} group may hold a /.
    for (const dir of level.sort(byCodePoint)) {
      if (!globs.exclude.some((ex) => matchesGlob(dir, ex))) found.add(dir);
    }
  }
  return checkNames([...found], input);
}

/** Each directory's name is its dataset's slug: valid, and one directory per slug. */
export function checkNames(dirs: string[], input = INPUT): string[] {
  const bySlug = new Map<string, string>();
  for (const dir of dirs) {
    const slug = slugOf(dir);
    // A parent's name reaches line-per-item outputs too (missing-datasets): a line break there would forge a line.
    // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what this rejects.
    if (/[\u0000-\u001f\u007f-\u009f]/.test(dir)) {
      throw new InputError(
        input,
        `Invalid dataset directory ${show(dir)}: its path holds a control character (a line break, a tab). Rename it, or exclude it with a ! line.`,
      );
    }
    if (!isSlug(slug)) {
      throw new InputError(
        input,
        `Invalid dataset directory ${show(dir)}: its name is its dataset's slug, which has lower-case letters, digits, - and _ (at most 100). Rename it, or exclude it with a ! line.`,
      );
    }
    const other = bySlug.get(slug);
    if (other !== undefined) {
      throw new InputError(
        input,
        `Invalid ${input}: the directories ${show(other)} and ${show(dir)} have one name, so they would be one dataset. Rename one, or exclude it with a ! line.`,
      );
    }
    bySlug.set(slug, dir);
  }
  return dirs;
}

/**
 * The matched directories that hold no file, only directories: most likely a
 * glob one level too shallow (`datasets/images` for `datasets/images/*`).
 */
export async function onlyDirectories(workspace: string, dirs: readonly string[]): Promise<string[]> {
  const shallow: string[] = [];
  for (const dir of dirs) {
    const entries = (await list(join(workspace, dir))) ?? [];
    const visible = entries.filter((entry) => !entry.name.startsWith('.'));
    if (visible.length > 0 && visible.every((entry) => entry.isDirectory())) shallow.push(dir);
  }
  return shallow;
}

/** The dataset slug a directory stands for: its name. */
export function slugOf(dir: string): string {
  return dir.slice(dir.lastIndexOf('/') + 1);
}

/** A directory's entries; undefined when it cannot be read (missing, not a directory). */
async function list(dir: string): Promise<Dirent[] | undefined> {
  try {
    return await readdir(dir, { withFileTypes: true });
  } catch {
    return undefined;
  }
}

function byCodePoint(a: string, b: string): number {
  const [x, y] = [[...a], [...b]];
  for (let i = 0; i < Math.min(x.length, y.length); i++) {
    const d = (x[i]?.codePointAt(0) ?? 0) - (y[i]?.codePointAt(0) ?? 0);
    if (d !== 0) return d;
  }
  return x.length - y.length;
}
