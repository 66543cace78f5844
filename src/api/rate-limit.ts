import { AvalaError } from './errors.ts';
import { MAX_WAIT_MS } from './retry.ts';

/**
 * Paces requests by the API's X-RateLimit-* headers: once a response says none
 * remain, the next request waits for the reset rather than spend itself on a
 * 429, or fails at once when the reset is further away than the action waits.
 */
export class RateLimit {
  #resumeAt = 0;
  /** When the requests of the last second left: the API allows bursts of 20 a second. */
  #recent: number[] = [];

  note(headers: { get(name: string): string | null }): void {
    const remaining = headers.get('x-ratelimit-remaining');
    const reset = Number(headers.get('x-ratelimit-reset'));
    if (remaining !== null && Number(remaining) <= 0 && Number.isFinite(reset) && reset > 0) {
      this.#resumeAt = reset * 1000;
    }
  }

  /** Waits out an exhausted window, if any, and keeps to 20 requests a second; says so in the log. */
  async wait(
    sleep: (ms: number) => Promise<void>,
    log: (message: string) => void,
    request: { method: string; path: string },
  ): Promise<void> {
    const wait = this.#resumeAt - Date.now();
    if (wait > MAX_WAIT_MS) {
      throw new AvalaError({
        kind: 'rate-limited',
        ...request,
        detail: `the API's rate limit resets in ${Math.ceil(wait / 1000)} s, later than the ${MAX_WAIT_MS / 1000} s the action waits; not sent`,
      });
    }
    if (wait > 0) {
      this.#resumeAt = 0;
      log(`Rate limit reached; waiting ${(wait / 1000).toFixed(1)} s for X-RateLimit-Reset`);
      await sleep(wait);
    }
    await this.#burst(sleep);
  }

  async #burst(sleep: (ms: number) => Promise<void>): Promise<void> {
    // Checked again after every wait: uploads send several requests at once, and each must find room.
    for (;;) {
      const now = Date.now();
      this.#recent = this.#recent.filter((at) => at > now - 1000);
      const oldest = this.#recent[0];
      if (this.#recent.length < MAX_PER_SECOND || oldest === undefined) break;
      await sleep(oldest + 1000 - now);
      // The wait was for the oldest to leave the window: it has, whatever the clock says (a test's sleep is instant).
      if (this.#recent[0] === oldest) this.#recent.shift();
    }
    this.#recent.push(Date.now());
  }
}

const MAX_PER_SECOND = 20;
