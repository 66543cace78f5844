/** The pacing by X-RateLimit-* headers, with several requests waiting at once and headers a server may garble. */
import { describe, expect, it } from 'vitest';
import { RateLimit } from '../../src/api/rate-limit.ts';

const headers = (values: Record<string, string>) => ({ get: (name: string) => values[name.toLowerCase()] ?? null });
const request = { method: 'POST', path: '/x' };

function harness() {
  const waits: number[] = [];
  const lines: string[] = [];
  const limit = new RateLimit();
  // Waits are recorded and take no time: the clock the limiter trusts is the waits it asked for.
  const sleep = async (ms: number) => {
    waits.push(ms);
  };
  const go = () => limit.wait(sleep, (line) => lines.push(line), request);
  return { limit, waits, lines, go };
}
const inSeconds = (s: number) => String(Math.ceil(Date.now() / 1000) + s);

describe('the rate limit', () => {
  it('lets out of a new window its limit only, however many requests waited for it', async () => {
    const h = harness();
    h.limit.note(
      headers({ 'x-ratelimit-limit': '3', 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': inSeconds(2) }),
    );
    const order: number[] = [];
    await Promise.all([0, 1, 2, 3, 4, 5, 6, 7].map((i) => h.go().then(() => order.push(i))));
    expect(order).toHaveLength(8);
    // One wait for the reset each, then, past the three the new window holds, a second's pause for each of the rest.
    expect(h.waits.filter((ms) => ms === 1000).length).toBeGreaterThanOrEqual(5);
    // One line per window waited for (3, 3 and 2 requests), not one per request.
    expect(h.lines).toHaveLength(3);
  });

  it('never raises what is left from an answer to a request of a window already over', async () => {
    const h = harness();
    h.limit.note(headers({ 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': inSeconds(30) }));
    h.limit.note(headers({ 'x-ratelimit-remaining': '4', 'x-ratelimit-reset': inSeconds(-1) }));
    await h.go();
    expect(h.waits[0]).toBeGreaterThan(28_000);
  });

  it('reads an empty header as none, and sends without waiting', async () => {
    const h = harness();
    h.limit.note(headers({ 'x-ratelimit-remaining': '', 'x-ratelimit-reset': inSeconds(30) }));
    await h.go();
    expect(h.waits).toEqual([]);
  });

  it('refuses to wait for a reset more than 60 s away', async () => {
    const h = harness();
    h.limit.note(headers({ 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': inSeconds(120) }));
    await expect(h.go()).rejects.toThrow(/resets in 1\d\d s, later than the 60 s the action waits; not sent/);
  });
});
