/**
 * A directory to upload, as the checkout holds it (rule 36): every regular
 * file under it, with its path relative to the directory; hidden entries,
 * symbolic links and anything else counted as skipped; Git LFS pointers
 * (rule 37) marked, with the size they stand for. Read once for the plan,
 * and again after a Git LFS fetch has replaced the pointers.
 */
import type { Dirent } from 'node:fs';
import { lstat, readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';

/** A presigned POST's limit: S3 takes one file of at most 5 GiB. */
export const MAX_FILE_BYTES = 5 * 1024 ** 3;
/** Git LFS's own bound: a pointer file is smaller than this. */
const POINTER_MAX = 1024;
const POINTER_FIRST_LINE = 'version https://git-lfs.github.com/spec/v1';
/** Files stat'ed or read at once: enough to keep the disk busy, few enough to bound open handles. */
const AT_ONCE = 64;

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

export async function scanDirectory(abs: string, shown: string): Promise<DirScan> {
  const scan: DirScan = { files: [], bytes: 0, skipped: 0, pointers: 0 };
  const found: Array<{ path: string; abs: string }> = [];
  const problem = await walk(abs, '', found, scan);
  if (problem) return { ...scan, problem: `${shown}: ${problem}` };
  await inBatches(found, async (file) => {
    const stat = await lstat(file.abs);
    const entry: ScannedFile = { ...file, size: stat.size };
    if (stat.size >= POINTER_FIRST_LINE.length && stat.size < POINTER_MAX) {
      const pointer = pointerSize(await readFile(file.abs, 'latin1'));
      if (pointer !== undefined) entry.pointer = pointer;
    }
    return entry;
  }).then((files) => {
    scan.files = files;
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

async function walk(
  abs: string,
  rel: string,
  found: Array<{ path: string; abs: string }>,
  scan: DirScan,
): Promise<string | undefined> {
  const entries: Dirent<Buffer>[] = await readdir(abs, { withFileTypes: true, encoding: 'buffer' });
  // Code point order, as dataset-dirs orders directories: the same files go in the same order every run.
  const named = entries.map((entry) => ({ entry, name: decode(entry.name) }));
  named.sort((a, b) => Buffer.compare(a.entry.name, b.entry.name));
  for (const { entry, name } of named) {
    if (name === undefined) {
      return `${rel ? `${rel}/` : ''}${entry.name.toString('utf8')} has a name that is not valid UTF-8, which Avala cannot store`;
    }
    const path = rel ? `${rel}/${name}` : name;
    if (name.startsWith('.') || !(entry.isFile() || entry.isDirectory())) {
      scan.skipped += 1;
      continue;
    }
    if (entry.isDirectory()) {
      const problem = await walk(join(abs, name), path, found, scan);
      if (problem) return problem;
    } else {
      found.push({ path, abs: join(abs, name) });
    }
  }
  return undefined;
}

function decode(name: Buffer): string | undefined {
  try {
    return strictUtf8.decode(name);
  } catch {
    return undefined;
  }
}

/** A Git LFS pointer's `size`, or undefined when the text is no pointer. */
export function pointerSize(text: string): { size: number | undefined } | undefined {
  if (!text.startsWith(`${POINTER_FIRST_LINE}\n`) && !text.startsWith(`${POINTER_FIRST_LINE}\r\n`)) return undefined;
  const size = text.match(/^size (\d{1,16})\r?$/m)?.[1];
  return { size: size === undefined ? undefined : Number(size) };
}

async function inBatches<T, U>(items: readonly T[], fn: (item: T) => Promise<U>): Promise<U[]> {
  const out: U[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(AT_ONCE, items.length) }, worker));
  return out;
}
