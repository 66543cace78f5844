/**
 * A presigned POST's body (avala-api.md, "The upload protocol", step 2): the
 * target's fields in order, then the file, streamed from disk a chunk at a
 * time, never held whole. Its length is known before the first byte, since
 * storage refuses a body without Content-Length, and a file that changes size
 * while read fails the body instead of sending what the target did not sign.
 */
import { randomBytes } from 'node:crypto';
import { open } from 'node:fs/promises';
import { extname } from 'node:path';

const CHUNK = 256 * 1024;
const SLICE = 64 * 1024;
/**
 * Buffers a file's chunks take turns in. The sender pauses on a socket that
 * has not drained, so at most four chunks are ever held at once: one's tail
 * still queued on the socket, one being written, one read ahead by the stream,
 * one being read from disk. Six leave room to spare. Fresh buffers for each
 * chunk would leave tens of MB of garbage behind every large upload before
 * the GC looks.
 */
const RING = 6;

export interface FormFile {
  /** Where the file is on disk. */
  abs: string;
  /** The file's base name, as the form names it. */
  name: string;
  /** Its size when the plan read it: the length declared to Avala and signed into the target. */
  size: number;
}

/** The file was not the size declared when it was read. */
export class FileChanged extends Error {
  override readonly name = 'FileChanged';
}

export interface Form {
  contentType: string;
  length: number;
  /** Pulled a chunk at a time by whoever sends it, so a file is read no faster than the socket takes it. */
  body: AsyncGenerator<Uint8Array>;
  /** Why the body failed, once it has: the file changed, or could not be read. */
  readonly failure: Error | undefined;
}

/** The body of one upload; `onBytes` hears of every chunk of the file as it leaves. */
export function multipartForm(
  fields: ReadonlyArray<readonly [string, string]>,
  file: FormFile,
  onBytes: (bytes: number) => void,
): Form {
  const boundary = `----avala-${randomBytes(16).toString('hex')}`;
  const type = fields.find(([name]) => name.toLowerCase() === 'content-type')?.[1] ?? guessType(file.name);
  const head = Buffer.from(
    `${fields.map(([name, value]) => `--${boundary}\r\nContent-Disposition: form-data; name="${quoted(name)}"\r\n\r\n${value}\r\n`).join('')}--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${quoted(file.name)}"\r\nContent-Type: ${type}\r\n\r\n`,
  );
  const tail = Buffer.from(`\r\n--${boundary}--\r\n`);
  let failure: Error | undefined;
  // Only the file's own failures are the form's: an abort thrown into the generator is the sender's.
  const fail = (error: unknown): Error => {
    failure = error instanceof Error ? error : new Error(String(error));
    return failure;
  };
  async function* chunks(): AsyncGenerator<Uint8Array> {
    yield head;
    const handle = await open(file.abs, 'r').catch((error: unknown) => {
      throw fail(error);
    });
    const ring = Array.from({ length: Math.min(RING, Math.ceil(file.size / CHUNK)) }, () => Buffer.allocUnsafe(CHUNK));
    try {
      for (let read = 0, n = 0; ; n++) {
        const want = Math.min(CHUNK, file.size - read);
        // One byte past the declared size tells a file that grew from one that did not.
        const buffer = want === 0 ? Buffer.alloc(1) : (ring[n % ring.length] as Buffer).subarray(0, want);
        const { bytesRead } = await handle.read(buffer, 0, buffer.length, read).catch((error: unknown) => {
          throw fail(error);
        });
        if (want === 0) {
          if (bytesRead > 0) throw fail(new FileChanged('it grew while it was read'));
          break;
        }
        if (bytesRead === 0) throw fail(new FileChanged('it shrank while it was read'));
        read += bytesRead;
        // Read large, sent small: each slice is taken only as the socket drains, so progress is seen as it happens.
        for (let at = 0; at < bytesRead; at += SLICE) {
          const slice = buffer.subarray(at, Math.min(at + SLICE, bytesRead));
          onBytes(slice.length);
          yield slice;
        }
      }
    } finally {
      await handle.close();
    }
    yield tail;
  }
  return {
    contentType: `multipart/form-data; boundary=${boundary}`,
    length: head.length + file.size + tail.length,
    body: chunks(),
    get failure() {
      return failure;
    },
  };
}

/** A name in a Content-Disposition parameter, escaped as browsers escape it (WHATWG's multipart encoding). */
function quoted(name: string): string {
  return name.replace(/["\r\n]/g, (c) => ({ '"': '%22', '\r': '%0D', '\n': '%0A' })[c] ?? c);
}

// The types Python's mimetypes gives for what datasets hold, as Avala's SDK guesses when the target names none.
const TYPES: Record<string, string> = {
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.png': 'image/png',
  '.gif': 'image/gif',
  '.bmp': 'image/bmp',
  '.webp': 'image/webp',
  '.tif': 'image/tiff',
  '.tiff': 'image/tiff',
  '.mp4': 'video/mp4',
  '.mov': 'video/quicktime',
  '.avi': 'video/x-msvideo',
  '.webm': 'video/webm',
  '.json': 'application/json',
  '.txt': 'text/plain',
  '.csv': 'text/csv',
};

export function guessType(name: string): string {
  return TYPES[extname(name).toLowerCase()] ?? 'application/octet-stream';
}
