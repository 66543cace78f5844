import { MAX_WAIT_MS } from './retry.ts';

/**
 * Paces requests by the API's X-RateLimit-* headers: once an answer says none
 * remain, the next request waits for the reset rather than spend itself on a 429.
 */
export class RateLimit {
  #resumeAt = 0;

  note(headers: { get(name: string): string | null }): void {
    const remaining = headers.get('x-ratelimit-remaining');
    const reset = Number(headers.get('x-ratelimit-reset'));
    if (remaining !== null && Number(remaining) <= 0 && Number.isFinite(reset) && reset > 0) {
      this.#resumeAt = reset * 1000;
    }
  }

  /** Waits out an exhausted window, if any; says so in the log. */
  async wait(sleep: (ms: number) => Promise<void>, log: (message: string) => void): Promise<void> {
    const wait = this.#resumeAt - Date.now();
    this.#resumeAt = 0;
    if (wait <= 0) return;
    const ms = Math.min(wait, MAX_WAIT_MS);
    log(`Rate limit reached; waiting ${(ms / 1000).toFixed(1)} s for X-RateLimit-Reset`);
    await sleep(ms);
  }
}
