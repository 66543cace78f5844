import { AvalaError } from './errors.ts';
import { MAX_WAIT_MS } from './retry.ts';

/**
 * Paces requests by the API's X-RateLimit-* headers: what remains of the
 * window is counted down as requests leave, so that several in flight at once
 * (an upload's files) do not spend more than remain; at none, every request
 * waits for the reset rather than spend itself on a 429, or fails at once
 * when the reset is further away than the action waits.
 */
export class RateLimit {
  /** Requests the window has left, as last told and counted down since; undefined when unknown. */
  #remaining: number | undefined;
  #resetAt = 0;
  /** The window's size, as X-RateLimit-Limit says: what a new window holds until an answer counts it. */
  #limit: number | undefined;
  /** The reset already announced in the log: one line per wait, however many requests wait for it. */
  #announced = 0;
  /** When the requests of the last second left: the API allows bursts of 20 a second. */
  #recent: number[] = [];

  note(headers: { get(name: string): string | null }): void {
    const remaining = Number(headers.get('x-ratelimit-remaining') ?? Number.NaN);
    const reset = Number(headers.get('x-ratelimit-reset')) * 1000;
    const limit = Number(headers.get('x-ratelimit-limit'));
    if (Number.isFinite(limit) && limit > 0) this.#limit = limit;
    if (!Number.isFinite(remaining)) return;
    // An answer to a request sent earlier in this window may report more than is left by now: keep the least.
    const sameWindow = this.#remaining !== undefined && (!Number.isFinite(reset) || reset === this.#resetAt);
    this.#remaining = sameWindow ? Math.min(this.#remaining as number, remaining) : remaining;
    if (Number.isFinite(reset) && reset > 0) this.#resetAt = reset;
  }

  /** Waits out an exhausted window, if any, and keeps to 20 requests a second; says so in the log. */
  async wait(
    sleep: (ms: number) => Promise<void>,
    log: (message: string) => void,
    request: { method: string; path: string },
  ): Promise<void> {
    while (this.#remaining !== undefined && this.#remaining <= 0 && this.#resetAt > Date.now()) {
      const resetAt = this.#resetAt;
      const wait = resetAt - Date.now();
      if (wait > MAX_WAIT_MS) {
        throw new AvalaError({
          kind: 'rate-limited',
          ...request,
          detail: `the API's rate limit resets in ${Math.ceil(wait / 1000)} s, later than the ${MAX_WAIT_MS / 1000} s the action waits; not sent`,
        });
      }
      if (this.#announced !== resetAt)
        log(`Rate limit reached; waiting ${(wait / 1000).toFixed(1)} s for X-RateLimit-Reset`);
      this.#announced = resetAt;
      await sleep(wait);
      // That window is over (whatever the clock says: a test's sleep is instant): a new one holds the limit.
      if (this.#resetAt === resetAt) this.#remaining = this.#limit;
    }
    await this.#burst(sleep);
    if (this.#remaining !== undefined) this.#remaining -= 1;
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
