/** Faults the emulator injects on demand: what broken servers, proxies and networks do. */

export type Fault =
  /** Answer with this status (429 and 503 with Retry-After when given) without acting. */
  | { kind: 'status'; status: number; retryAfter?: string; body?: unknown }
  /** A proxy's HTML error page, status 502, without acting. */
  | { kind: 'html-502' }
  /** Take the request and never answer. */
  | { kind: 'hang' }
  /** Close the connection without acting or answering. */
  | { kind: 'drop' }
  /** Redirect to another origin, without acting. */
  | { kind: 'redirect'; location: string }
  /** Act on the request, then close the connection without answering. */
  | { kind: 'act-then-drop' }
  /** Act on the request, then answer with this status (an outcome the client cannot know). */
  | { kind: 'act-then-status'; status: number }
  /** Act, then answer 200 with a body that is not valid JSON. */
  | { kind: 'invalid-json' }
  /** Act, then answer with the project without its uid. */
  | { kind: 'missing-uid' }
  /** List: the page's `next` link points at this origin instead of ours. */
  | { kind: 'foreign-next'; origin: string }
  /** List: the page's `next` link points back at the page itself. */
  | { kind: 'repeat-next' };

export interface FaultRule {
  method?: string;
  /** Substring of, or pattern for, the request path (with query). */
  path?: string | RegExp;
  /** How many matching requests it applies to; default 1. */
  times?: number;
  /** How many matching requests to let through untouched first; default 0. */
  skip?: number;
  fault: Fault;
}

/** The rules injected so far, each applied to the matching requests it has left. */
export class FaultQueue {
  #rules: Array<FaultRule & { left: number; skipped: number }> = [];

  inject(rule: FaultRule): void {
    this.#rules.push({ ...rule, left: rule.times ?? 1, skipped: 0 });
  }

  clear(): void {
    this.#rules = [];
  }

  /** The fault for this request, if a rule matches and has not been used up. */
  take(method: string, path: string): Fault | undefined {
    const rule = this.#rules.find(
      (r) => r.left > 0 && (!r.method || r.method === method) && (!r.path || matches(path, r.path)),
    );
    if (!rule) return undefined;
    if (rule.skipped < (rule.skip ?? 0)) {
      rule.skipped += 1;
      return undefined;
    }
    rule.left -= 1;
    return rule.fault;
  }
}

export function matches(path: string, pattern: string | RegExp): boolean {
  return typeof pattern === 'string' ? path.includes(pattern) : pattern.test(path);
}

export function defaultBody(status: number, retryAfter?: string): unknown {
  if (status === 429) return { detail: `Request was throttled. Expected available in ${retryAfter ?? 30} seconds.` };
  if (status === 503) return { detail: 'Service temporarily unavailable, try again later.' };
  if (status >= 500) return { detail: 'A server error occurred.' };
  return { detail: `Error ${status}.` };
}
