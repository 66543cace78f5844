/**
 * A directory to upload, as the checkout holds it (rule 36): every regular
 * file under it, with its path relative to the directory; hidden entries,
 * symbolic links and anything else counted as skipped; Git LFS pointers
 * (rule 37) marked, with the size they stand for. Read once for the plan,
 * and again after a Git LFS fetch has replaced the pointers.
 *
 * Synchronous on purpose: nothing else runs while a run reads the checkout,
 * and a directory of 20,000 files takes tens of thousands of file-system
 * calls, which one await each through the thread pool take seconds, and
 * synchronously a few hundred milliseconds.
 */
import { closeSync, type Dirent, lstatSync, openSync, readdirSync, readSync } from 'node:fs';
import { join } from 'node:path';

/** A presigned POST's limit: S3 takes one file of at most 5 GiB. */
const MAX_FILE_BYTES = 5 * 1024 ** 3;
/** Git LFS's own bound: a pointer file is smaller than this. */
const POINTER_MAX = 1024;
const POINTER_FIRST_LINE = 'version https://git-lfs.github.com/spec/v1';

export interface ScannedFile {
  /** Relative to the directory, parts joined by `/`: the path in the dataset. */
  path: string;
  abs: string;
  size: number;
  /** A Git LFS pointer: the size it stands for, when its `size` line says. */
  pointer?: { size: number | undefined };
}

export interface DirScan {
  files: ScannedFile[];
  /** Bytes to upload, a pointer counted by the size it stands for. */
  bytes: number;
  /** Hidden files and directories, symbolic links and other non-files: not uploaded. */
  skipped: number;
  pointers: number;
  /** Why the directory cannot be uploaded, before anything of it is sent. */
  problem?: string;
}

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

export function scanDirectory(abs: string, shown: string): DirScan {
  const scan: DirScan = { files: [], bytes: 0, skipped: 0, pointers: 0 };
  const found: Array<{ path: string; abs: string }> = [];
  const problem = walk(abs, '', found, scan);
  if (problem) return { ...scan, problem: `${shown}: ${problem}` };
  scan.files = found.map((file): ScannedFile => {
    const { size } = lstatSync(file.abs);
    const pointer = size >= POINTER_FIRST_LINE.length && size < POINTER_MAX ? readPointer(file.abs) : undefined;
    return { ...file, size, ...(pointer ? { pointer } : {}) };
  });
  for (const file of scan.files) {
    const size = file.pointer?.size ?? file.size;
    if (size > MAX_FILE_BYTES) {
      return { ...scan, problem: `${shown}/${file.path} is over 5 GB, the most one presigned upload takes` };
    }
    scan.bytes += size;
    if (file.pointer) scan.pointers += 1;
  }
  if (scan.files.length === 0) {
    return { ...scan, problem: `${shown} holds no file to upload (${scan.skipped} hidden or not regular, skipped)` };
  }
  return scan;
}

function walk(
  abs: string,
  rel: string,
  found: Array<{ path: string; abs: string }>,
  scan: DirScan,
): string | undefined {
  const entries: Dirent<Buffer>[] = readdirSync(abs, { withFileTypes: true, encoding: 'buffer' });
  // Code point order, as dataset-dirs orders directories: the same files go in the same order every run.
  entries.sort((a, b) => Buffer.compare(a.name, b.name));
  for (const entry of entries) {
    // What is skipped is skipped whatever its name: only a name that is uploaded or walked must be one Avala takes.
    if (entry.name[0] === DOT || !(entry.isFile() || entry.isDirectory())) {
      scan.skipped += 1;
      continue;
    }
    const name = decode(entry.name);
    const shown = `${rel ? `${rel}/` : ''}${entry.name.toString('utf8')}`;
    if (name === undefined) return `${shown} has a name that is not valid UTF-8, which Avala cannot store`;
    const path = rel ? `${rel}/${name}` : name;
    const refused = pathProblem(path);
    if (refused) return `${JSON.stringify(path)} is a path Avala refuses: ${refused}`;
    if (entry.isDirectory()) {
      const problem = walk(join(abs, name), path, found, scan);
      if (problem) return problem;
    } else {
      found.push({ path, abs: join(abs, name) });
    }
  }
  return undefined;
}

const DOT = 0x2e;

/** Why Avala's presign would refuse a path in a dataset: a control character, a backslash, or over S3's key room. */
function pathProblem(path: string): string | undefined {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what this finds.
  if (/[\u0000-\u001f\u007f]/.test(path)) return 'it holds a control character';
  if (path.includes('\\')) return 'it holds a backslash';
  if (Buffer.byteLength(path) > MAX_PATH_BYTES) return `it is over ${MAX_PATH_BYTES} bytes`;
  return undefined;
}

/** What an S3 key (1,024 bytes) leaves a path once Avala's prefix of owner and dataset name is before it. */
const MAX_PATH_BYTES = 900;

function decode(name: Buffer): string | undefined {
  try {
    return strictUtf8.decode(name);
  } catch {
    return undefined;
  }
}

/** A small file read as a Git LFS pointer: its first line first, the rest only when that line is a pointer's. */
function readPointer(abs: string): { size: number | undefined } | undefined {
  const fd = openSync(abs, 'r');
  try {
    const buffer = Buffer.alloc(POINTER_MAX);
    const head = readSync(fd, buffer, 0, POINTER_FIRST_LINE.length, 0);
    if (buffer.toString('latin1', 0, head) !== POINTER_FIRST_LINE) return undefined;
    const rest = readSync(fd, buffer, head, POINTER_MAX - head, head);
    return pointerSize(buffer.toString('latin1', 0, head + rest));
  } finally {
    closeSync(fd);
  }
}

/** A Git LFS pointer's `size`, or undefined when the text is no pointer. */
export function pointerSize(text: string): { size: number | undefined } | undefined {
  if (!text.startsWith(`${POINTER_FIRST_LINE}\n`) && !text.startsWith(`${POINTER_FIRST_LINE}\r\n`)) return undefined;
  const size = text.match(/^size (\d{1,16})\r?$/m)?.[1];
  return { size: size === undefined ? undefined : Number(size) };
}
