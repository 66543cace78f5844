/**
 * `dataset-dirs`: globs of repository directories (`*` one path segment, `**`
 * any number), and which directories a list of changed files falls under.
 */
import { InputError, show } from './errors.ts';

export function parseGlobs(input: string, value: string): string[] {
  const globs = value
    .split('\n')
    .map((line) => line.trim().replace(/\/+$/, ''))
    .filter(Boolean);
  for (const glob of globs) {
    const segments = glob.split('/');
    // Inside the repository only: no absolute path, no parent, no Windows separator or drive.
    if (
      glob.startsWith('/') ||
      glob.includes('\\') ||
      /^[A-Za-z]:/.test(glob) ||
      segments.some((s) => s === '..' || s === '.' || s === '')
    ) {
      throw new InputError(
        input,
        `Invalid ${input} ${show(glob)}. Expected a directory pattern inside the repository, such as datasets/* (no leading /, no . or .. segments).`,
      );
    }
    // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what this rejects.
    if (/[\u0000-\u001f\u007f]/.test(glob))
      throw new InputError(input, `Invalid ${input} ${show(glob)}: control characters.`);
  }
  if (globs.length === 0)
    throw new InputError(input, `Invalid ${input}: expected at least one pattern, such as datasets/*.`);
  return globs;
}

// A glob as a regular expression over a directory path. A `**` segment may stand for none: a/**/b matches a/b.
function toRegExp(glob: string): RegExp {
  const segments = glob.split('/');
  let source = '^';
  segments.forEach((segment, i) => {
    const last = i === segments.length - 1;
    if (segment === '**') {
      if (last) source += i === 0 ? '.+' : '(?:/[^/]+)*';
      else source += i === 0 ? '(?:[^/]+/)*' : '/(?:[^/]+/)*';
      return;
    }
    if (i > 0 && segments[i - 1] !== '**') source += '/';
    source += segment
      .split('*')
      .map((piece) => piece.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
      .join('[^/]*');
  });
  return new RegExp(`${source}$`);
}

/** The directories matching a glob that hold at least one of the files, each once, sorted. */
export function dirsMatching(files: readonly string[], globs: readonly string[]): string[] {
  const patterns = globs.map(toRegExp);
  const found = new Set<string>();
  for (const file of files) {
    const segments = file.split('/');
    // Every directory above the file: datasets, datasets/a, datasets/a/images, …
    for (let depth = 1; depth < segments.length; depth++) {
      const dir = segments.slice(0, depth).join('/');
      if (patterns.some((p) => p.test(dir))) found.add(dir);
    }
  }
  return [...found].sort();
}
