/**
 * The files of one directory, `workers` at a time (rule 36): each asks Avala
 * for a fresh target, then goes to it. A target's 429, 5xx, reset or stall is
 * tried again like an idempotent request (rule 6), with a fresh target each
 * time; anything else fails the directory, and no file starts after a failure.
 */
import { basename } from 'node:path';
import type { AvalaClient } from '../api/client.ts';
import { AvalaError } from '../api/errors.ts';
import { decide } from '../api/policy.ts';
import type { Sent, StorageClient } from '../api/storage.ts';
import type { Target } from '../api/uploads.ts';
import { UploadError } from './errors.ts';
import type { Progress } from './progress.ts';
import type { ScannedFile } from './scan.ts';

export interface SendOptions {
  /** The directory as the log names it. */
  dir: string;
  /** The dataset's name, under which Avala stages the files. */
  datasetName: string;
  workers: number;
  retries: number;
  log: (message: string) => void;
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
}

export async function sendFiles(
  files: readonly ScannedFile[],
  o: SendOptions,
  api: AvalaClient,
  storage: StorageClient,
  progress: Progress,
): Promise<void> {
  const stop = new AbortController();
  let failure: unknown;
  let next = 0;
  const worker = async () => {
    while (!stop.signal.aborted && next < files.length) {
      const file = files[next++] as ScannedFile;
      try {
        await sendOne(file, o, api, storage, progress, stop.signal);
      } catch (error) {
        // The first failure is the directory's; the files still on the wire are stopped, and no more start.
        failure ??= error;
        stop.abort();
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(o.workers, files.length) }, worker));
  if (failure !== undefined) throw failure;
}

async function sendOne(
  file: ScannedFile,
  o: SendOptions,
  api: AvalaClient,
  storage: StorageClient,
  progress: Progress,
  stop: AbortSignal,
): Promise<void> {
  const shown = `${o.dir}/${file.path}`;
  const sleep = o.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  for (let attempt = 0; !stop.aborted; attempt++) {
    let target: Target;
    try {
      target = await (await api.uploads()).presign(o.datasetName, file.path, file.size);
    } catch (error) {
      if (!(error instanceof AvalaError) || error.failsEveryItem) throw error;
      if (error.status === 413) throw new UploadError('upload-quota', `${shown}: ${error.message}`);
      throw error.withAdvice(`No target for ${shown}, so no dataset was created`);
    }
    if (stop.aborted) return;
    let sent = 0;
    progress.sending.add(file.path);
    const result = await storage
      .post(
        target.url,
        target.fields,
        { abs: file.abs, name: basename(file.path), size: file.size },
        (bytes) => {
          sent += bytes;
          progress.bytesSent += bytes;
        },
        stop,
      )
      .finally(() => progress.sending.delete(file.path));
    if (result.ok) {
      progress.filesDone += 1;
      return;
    }
    // What this attempt sent is sent again, or not at all: the progress counts what the targets kept.
    progress.bytesSent -= sent;
    if (stop.aborted) return;
    const wait = retryWait(result, attempt, o);
    if (result.quota)
      throw new UploadError('upload-quota', `${shown}: ${result.detail}: the storage quota is reached.`);
    if (wait === undefined) {
      const tries = attempt > 0 ? ` after ${attempt + 1} attempts` : '';
      throw new UploadError('upload-failed', `${shown}: ${result.detail}${tries}; no dataset was created.`);
    }
    o.log(
      `${shown}: ${result.detail}; trying again with a fresh target in ${(wait / 1000).toFixed(1)} s (retry ${attempt + 1} of ${o.retries}).`,
    );
    // A sibling's failure ends the wait: the directory has failed, and nothing more of it is sent.
    await new Promise<void>((resolve) => {
      const done = () => {
        stop.removeEventListener('abort', done);
        resolve();
      };
      stop.addEventListener('abort', done, { once: true });
      sleep(wait).then(done, done);
    });
  }
}

/** Milliseconds before the next try, or undefined when there is none: rule 6's policy for an idempotent request. */
function retryWait(result: Extract<Sent, { ok: false }>, attempt: number, o: SendOptions): number | undefined {
  if (!result.retryable) return undefined;
  // The same policy as Avala's reads: a fresh target makes every attempt a first one, whatever became of the last.
  const decision = decide({
    method: 'GET',
    outcome:
      result.status === undefined
        ? { kind: 'network', code: 'ECONNRESET', timedOut: false }
        : { kind: 'status', status: result.status, retryAfter: result.retryAfter ?? null },
    attempt,
    retries: o.retries,
    unansweredTimeouts: 0,
    ...(o.random ? { random: o.random } : {}),
  });
  return decision.action === 'wait' ? decision.ms : undefined;
}
