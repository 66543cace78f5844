/** Faults the emulator injects on demand: what broken or hostile servers, proxies and networks do. */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { gzipSync } from 'node:zlib';
import type { Reply } from './routes.ts';

export type Fault =
  /** Answer with this status (429 and 503 with Retry-After when given) without acting. */
  | { kind: 'status'; status: number; retryAfter?: string; body?: unknown; text?: string }
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
  | { kind: 'repeat-next' }
  /** Wait this long, then handle the request as usual: lets two runs race. */
  | { kind: 'delay'; ms: number }
  /** Answer 200 with a JSON body that never ends (until the client hangs up, or 2 GB). */
  | { kind: 'endless' }
  /** Answer 200, then one byte of body every `intervalMs` (for at most a minute). */
  | { kind: 'trickle'; intervalMs: number }
  /** Answer 200 with a gzip body of a few kB that inflates to 64 MB. */
  | { kind: 'gzip-bomb' }
  /** Act, then answer with the reply padded to `bytes` (a project field, or a page's extra field). */
  | { kind: 'oversized'; bytes: number }
  /** Act, then answer with these fields merged into the project (each project of a page) and the page. */
  | { kind: 'patch'; project?: Record<string, unknown>; page?: Record<string, unknown> }
  /** Act, then send half the body the Content-Length announces and close the connection. */
  | { kind: 'cut-body' }
  /** List: the page links to a new page, every time; with no results when `empty`, else one that matches nothing. */
  | { kind: 'endless-pages'; empty: boolean }
  /** Storage targets only: read `afterBytes` of the body, then stop reading and never answer. */
  | { kind: 'stall'; afterBytes: number }
  /** Storage targets only: read `afterBytes` of the body, then close the connection. */
  | { kind: 'reset'; afterBytes: number };

export interface FaultRule {
  method?: string;
  /** Substring of, or pattern for, the request path (with query); a storage target's is /__storage/<token>. */
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

  /**
   * The fault for this request, if a rule matches and has not been used up. A
   * storage target is another host: only a rule whose path names it applies.
   */
  take(method: string, path: string, { storage = false } = {}): Fault | undefined {
    const rule = this.#rules.find(
      (r) => r.left > 0 && (!r.method || r.method === method) && (r.path ? matches(path, r.path) : !storage),
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

/** What applying a fault needs of the request at hand. */
export interface FaultContext {
  req: IncomingMessage;
  res: ServerResponse;
  /** Headers every answer carries (the rate limit's). */
  limits: Record<string, string>;
  /** The origin the client reached, for links. */
  origin: string;
  path: string;
  /** Sends a JSON reply and records its status. */
  send(reply: Reply): void;
  /** Records the status of an answer written by hand. */
  answered(status: number): void;
}

/**
 * Faults that answer in place of the API, before it acts. Returns true when
 * the fault dealt with the request; a delay returns false once it has waited.
 */
export async function faultBefore(fault: Fault | undefined, c: FaultContext): Promise<boolean> {
  switch (fault?.kind) {
    case 'hang':
      return true;
    case 'drop':
      c.req.socket.destroy();
      return true;
    case 'delay':
      await new Promise((resolve) => setTimeout(resolve, fault.ms));
      return false;
    case 'status': {
      const headers: Record<string, string> = fault.retryAfter ? { 'Retry-After': fault.retryAfter } : {};
      if (fault.text !== undefined) {
        // A body as some proxy or error page writes it: not JSON, or JSON escaped by hand.
        c.answered(fault.status);
        c.res.writeHead(fault.status, { 'Content-Type': 'text/html', ...headers, ...c.limits });
        c.res.end(fault.text);
        return true;
      }
      const body = fault.body ?? defaultBody(fault.status, fault.retryAfter);
      c.send({ status: fault.status, body, headers });
      return true;
    }
    case 'html-502':
      c.answered(502);
      c.res.writeHead(502, { 'Content-Type': 'text/html', ...c.limits });
      c.res.end(
        '<html><head><title>502 Bad Gateway</title></head><body><center><h1>502 Bad Gateway</h1></center><hr><center>nginx</center></body></html>',
      );
      return true;
    case 'redirect':
      c.answered(302);
      c.res.writeHead(302, { Location: fault.location, 'Content-Type': 'application/json', ...c.limits });
      c.res.end('{}');
      return true;
    case 'endless':
      endless(c);
      return true;
    case 'trickle':
      trickle(c, fault.intervalMs);
      return true;
    case 'gzip-bomb':
      c.answered(200);
      c.res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Encoding': 'gzip', ...c.limits });
      c.res.end(bomb());
      return true;
    default:
      return false;
  }
}

/** Faults applied to the API's reply, after it acted. Returns true when the fault answered. */
export function faultAfter(fault: Fault | undefined, reply: Reply, c: FaultContext): boolean {
  const body = reply.body as Record<string, unknown>;
  const page = Array.isArray(body.results)
    ? (body as { next: string | null; results: Record<string, unknown>[] })
    : undefined;
  switch (fault?.kind) {
    case 'act-then-drop':
      c.req.socket.destroy();
      return true;
    case 'act-then-status':
      c.send({ status: fault.status, body: defaultBody(fault.status) });
      return true;
    case 'invalid-json':
      c.answered(200);
      c.res.writeHead(200, { 'Content-Type': 'application/json', ...c.limits });
      c.res.end(JSON.stringify(reply.body).slice(0, 20));
      return true;
    case 'missing-uid': {
      const { uid: _uid, ...rest } = body;
      c.send({ ...reply, body: rest });
      return true;
    }
    case 'foreign-next':
      if (page?.next) {
        const next = new URL(page.next);
        page.next = `${fault.origin}${next.pathname}${next.search}`;
      }
      break;
    case 'repeat-next':
      if (page) page.next = `${c.origin}${c.path}`;
      break;
    case 'endless-pages':
      if (page) {
        const next = new URL(c.path, c.origin);
        // A cursor of the emulator's own form, far past the end: valid, and never the same twice.
        next.searchParams.set(
          'cursor',
          Buffer.from(`o=${1e6 + Math.floor(Math.random() * 1e9)}`).toString('base64url'),
        );
        page.next = next.href;
        // Non-empty pages hold a project that matches no lookup, so that a lookup has to read on.
        page.results = fault.empty ? [] : [{ uid: randomUUID(), name: 'Another batch', status: 'active' }];
      }
      break;
    case 'patch':
      for (const project of page ? page.results : [body]) Object.assign(project, fault.project);
      if (page) Object.assign(page, fault.page);
      break;
    case 'oversized': {
      const target: Record<string, unknown> = page ?? body;
      target.padding = 'x'.repeat(fault.bytes);
      break;
    }
    case 'cut-body': {
      const text = Buffer.from(JSON.stringify(reply.body));
      c.answered(reply.status);
      c.res.writeHead(reply.status, { 'Content-Type': 'application/json', 'Content-Length': text.length, ...c.limits });
      c.res.write(text.subarray(0, text.length >> 1), () => c.req.socket.destroy());
      return true;
    }
  }
  return false;
}

function endless(c: FaultContext): void {
  c.answered(200);
  c.res.writeHead(200, { 'Content-Type': 'application/json', ...c.limits });
  const chunk = Buffer.from(`{"detail": "${' '.repeat(64 * 1024)}`);
  let sent = 0;
  const pump = () => {
    while (!c.res.destroyed && sent < 2 ** 31) {
      sent += chunk.length;
      if (!c.res.write(chunk)) return void c.res.once('drain', pump);
    }
    c.res.end();
  };
  pump();
}

function trickle(c: FaultContext, intervalMs: number): void {
  c.answered(200);
  c.res.writeHead(200, { 'Content-Type': 'application/json', ...c.limits });
  c.res.write('{');
  const started = Date.now();
  const timer = setInterval(() => {
    if (c.res.destroyed || Date.now() - started > 60_000) {
      clearInterval(timer);
      c.res.end();
      return;
    }
    c.res.write(' ');
  }, intervalMs);
  c.res.on('close', () => clearInterval(timer));
}

let bombBytes: Buffer | undefined;

/** 64 MB of spaces, gzipped once to a few kB. */
function bomb(): Buffer {
  bombBytes ??= gzipSync(Buffer.alloc(64 * 1024 * 1024, ' '), { level: 9 });
  return bombBytes;
}
