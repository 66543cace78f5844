/**
 * What the log says of one directory's upload (rule 36): a line when it
 * starts, a progress line at most every 10 s, a line when it ends; never one
 * per file but a failed one.
 */
import { formatBytes, plural } from '../procedures/words.ts';

const EVERY_MS = 10_000;

export class Progress {
  readonly #dir: string;
  readonly #files: number;
  readonly #bytes: number;
  readonly #log: (message: string) => void;
  readonly #started = performance.now();
  #timer: NodeJS.Timeout | undefined;
  filesDone = 0;
  bytesSent = 0;
  /** The files on the wire now, by path: what a canceled run names. */
  readonly sending = new Set<string>();

  constructor(dir: string, files: number, bytes: number, log: (message: string) => void) {
    this.#dir = dir;
    this.#files = files;
    this.#bytes = bytes;
    this.#log = log;
  }

  start(what: string): void {
    this.#log(`Uploading ${this.#dir}: ${plural(this.#files, 'file')}, ${formatBytes(this.#bytes)}, ${what}.`);
    // unref: a timer must never keep a finished run alive.
    this.#timer = setInterval(() => this.#log(`${this.#dir}: ${this.#done()}.`), EVERY_MS).unref();
  }

  /** Ends the progress lines; the end line is the caller's, which knows what became of the dataset. */
  stop(): { seconds: number; said: string } {
    clearInterval(this.#timer);
    const seconds = (performance.now() - this.#started) / 1000;
    return { seconds, said: this.#done() };
  }

  /** What a canceled run says was in flight. */
  describe(): string {
    const on = [...this.sending].slice(0, 3).join(', ');
    return `the upload of ${this.#dir} (${this.#done()}${on ? `; sending ${on}` : ''})`;
  }

  #done(): string {
    const seconds = (performance.now() - this.#started) / 1000;
    const rate = seconds > 0 ? `, ${formatBytes(this.bytesSent / seconds)}/s` : '';
    return `${this.filesDone} of ${plural(this.#files, 'file')} and ${formatBytes(this.bytesSent)} of ${formatBytes(this.#bytes)} sent${rate}`;
  }
}
