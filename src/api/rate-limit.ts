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
  /** The reset whose window was refilled with the limit: once, however many requests wake at it. */
  #refilled: number | undefined;
  #sleptUntil = 0;
  /** When the requests of the last second left: the API allows bursts of 20 a second. */
  #recent: number[] = [];

  note(headers: { get(name: string): string | null }): void {
    const read = (name: string) => {
      const value = headers.get(name);
      return value === null || value.trim() === '' ? Number.NaN : Number(value);
    };
    const remaining = read('x-ratelimit-remaining');
    const reset = read('x-ratelimit-reset') * 1000;
    const limit = read('x-ratelimit-limit');
    if (Number.isFinite(limit) && limit > 0) this.#limit = limit;
    if (!Number.isFinite(remaining)) return;
    const known = Number.isFinite(reset) && reset > 0;
    // An answer from a window already over (its request left before the reset) says nothing of this one.
    if (known && reset < this.#resetAt) return;
    // One sent earlier in this window may report more than is left by now: the least is kept.
    const sameWindow = this.#remaining !== undefined && (!known || reset === this.#resetAt);
    this.#remaining = sameWindow ? Math.min(this.#remaining as number, remaining) : remaining;
    if (known) this.#resetAt = reset;
  }

  /** Waits out an exhausted window, if any, and keeps to 20 requests a second; says so in the log. */
  async wait(
    sleep: (ms: number) => Promise<void>,
    log: (message: string) => void,
    request: { method: string; path: string },
  ): Promise<void> {
    while (this.#remaining !== undefined && this.#remaining <= 0) {
      // The window told of is over and its refill spent, and no answer has told the next: a second's pause.
      if (this.#resetAt <= this.#now() && this.#refilled === this.#resetAt) this.#resetAt = this.#now() + 1000;
      const resetAt = this.#resetAt;
      const wait = resetAt - this.#now();
      if (wait > MAX_WAIT_MS) {
        throw new AvalaError({
          kind: 'rate-limited',
          ...request,
          detail: `the API's rate limit resets in ${Math.ceil(wait / 1000)} s, later than the ${MAX_WAIT_MS / 1000} s the action waits; not sent`,
        });
      }
      if (wait > 0) {
        if (this.#announced !== resetAt)
          log(`Rate limit reached; waiting ${(wait / 1000).toFixed(1)} s for X-RateLimit-Reset`);
        this.#announced = resetAt;
        await sleep(wait);
        this.#sleptUntil = Math.max(this.#sleptUntil, resetAt);
      }
      // A window over holds its limit again, once, whoever wakes first: the others count it down.
      if (this.#resetAt === resetAt && this.#refilled !== resetAt) {
        this.#refilled = resetAt;
        this.#remaining = this.#limit ?? 1;
      }
    }
    // Taken at once, with no await since the check: requests waiting together must not all find the same room.
    if (this.#remaining !== undefined) this.#remaining -= 1;
    await this.#burst(sleep);
  }

  /** The clock, never behind a wait that was slept (a test's sleep is instant). */
  #now(): number {
    return Math.max(Date.now(), this.#sleptUntil);
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
