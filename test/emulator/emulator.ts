/**
 * The Avala emulator: a real HTTP server on loopback that follows the API
 * reference (../../../shared/spec), with faults injected on demand. Tests, the
 * demo and the benchmarks run the action against it.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import { ACCOUNTS, type Account, COMPLETED_PROJECT, seededUid, TASK_TYPES } from './accounts.ts';

export interface StoredProject {
  uid: string;
  name: string;
  task_type: string;
  status: string;
  is_active: boolean;
  visibility: 'public' | 'private';
  is_imported: boolean;
  owner_name: string;
  short_description: string;
  industry_icon: string;
  /** Not part of the API's answers: creation order, and what a clone was made from. */
  created: number;
  source?: {
    template: string;
    image_dataset_uid?: string;
    lidar_dataset_uid?: string;
    slice_uid?: string;
    copy_collaborators: boolean;
  };
}

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

export interface RecordedRequest {
  method: string;
  /** Path and query exactly as sent. */
  path: string;
  headers: Record<string, string | string[] | undefined>;
  body: string;
  /** Which TCP connection carried it, counting from 1. */
  connection: number;
  status?: number;
  fault?: Fault['kind'];
}

export interface EmulatorOptions {
  port?: number;
  host?: string;
  /** Requests per window per key; the API's default is 100 a minute. */
  rateLimit?: { limit: number; windowMs: number } | false;
  /** Serve https with this key and certificate. */
  tls?: { key: string; cert: string };
}

interface Reply {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
  /** The request's effect on a project, for faults that corrupt the answer. */
  acted?: boolean;
}

const API = '/api/v1';
const CONTROL = '/__emulator';
const STATES: Record<string, { from: string[]; to: string }> = {
  approve: { from: ['pending-approval'], to: 'active' },
  pause: { from: ['active'], to: 'paused' },
  resume: { from: ['paused'], to: 'active' },
  cancel: { from: ['active', 'paused'], to: 'canceled' },
  archive: { from: ['completed', 'canceled'], to: 'archived' },
};

export class Emulator {
  readonly requests: RecordedRequest[] = [];
  readonly projects = new Map<string, StoredProject>();
  /** TCP connections accepted since start. */
  connections = 0;
  #faults: Array<FaultRule & { left: number; skipped: number }> = [];
  #server: Server;
  #scheme: 'http' | 'https';
  #sockets = new Map<Socket, number>();
  #windows = new Map<string, { start: number; count: number }>();
  #counter = 0;
  #rateLimit: { limit: number; windowMs: number } | false;
  #url = '';

  constructor(options: EmulatorOptions = {}) {
    this.#rateLimit = options.rateLimit ?? { limit: 100, windowMs: 60_000 };
    const handler = (req: IncomingMessage, res: ServerResponse) => void this.#handle(req, res);
    this.#scheme = options.tls ? 'https' : 'http';
    this.#server = options.tls ? createHttpsServer(options.tls, handler) : createServer(handler);
    // Over TLS, requests arrive on the TLS socket, not on the TCP one under it.
    this.#server.on(options.tls ? 'secureConnection' : 'connection', (socket: Socket) => {
      this.connections += 1;
      this.#sockets.set(socket, this.connections);
      socket.on('close', () => this.#sockets.delete(socket));
    });
    this.reset();
  }

  /** Starts listening; resolves to the API root, e.g. http://127.0.0.1:43210/api/v1. */
  async start(options: EmulatorOptions = {}): Promise<string> {
    await new Promise<void>((resolve, reject) => {
      this.#server.once('error', reject);
      this.#server.listen(options.port ?? 0, options.host ?? '127.0.0.1', resolve);
    });
    const { port, address } = this.#server.address() as AddressInfo;
    const host = address.includes(':') ? `[${address}]` : address;
    this.#url = `${this.#scheme}://${host}:${port}${API}`;
    return this.#url;
  }

  get url(): string {
    return this.#url;
  }

  get origin(): string {
    return new URL(this.#url).origin;
  }

  async close(): Promise<void> {
    this.#server.closeAllConnections();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }

  /** Back to the seeded state: no faults, no requests, only seeded projects. */
  reset(): void {
    this.requests.length = 0;
    this.projects.clear();
    this.#faults = [];
    this.#windows.clear();
    this.#counter = 0;
    for (const account of ACCOUNTS) {
      if (account.role !== 'customer') continue;
      TASK_TYPES.forEach((taskType, n) => {
        this.#store({
          uid: seededUid(account, n),
          name: `Template: ${taskType}`,
          task_type: taskType,
          status: 'active',
          visibility: 'private',
          owner_name: account.username,
          short_description: `Template for ${taskType}`,
        });
      });
      this.#store({
        uid: seededUid(account, TASK_TYPES.length),
        name: 'Finished batch',
        task_type: 'image-annotation',
        status: 'completed',
        visibility: 'private',
        owner_name: account.username,
        short_description: 'A batch the platform has completed',
      });
    }
    // One public project, visible to every key through its owner's list.
    const acme = ACCOUNTS[0] as Account;
    this.#store({
      uid: seededUid(acme, 99),
      name: 'Public showcase',
      task_type: 'image-annotation',
      status: 'active',
      visibility: 'public',
      owner_name: acme.username,
      short_description: 'A public project',
    });
    if (!this.projects.has(COMPLETED_PROJECT)) throw new Error('seed is inconsistent');
  }

  inject(rule: FaultRule): void {
    this.#faults.push({ ...rule, left: rule.times ?? 1, skipped: 0 });
  }

  clearFaults(): void {
    this.#faults = [];
  }

  /** Adds `count` projects to an owner, named `${prefix} 0001`…, for pagination and benchmarks. */
  addProjects(owner: string, count: number, prefix = 'Bulk'): void {
    for (let i = 1; i <= count; i++) {
      this.#store({
        uid: randomUUID(),
        name: `${prefix} ${String(i).padStart(5, '0')}`,
        task_type: TASK_TYPES[i % TASK_TYPES.length] as string,
        status: 'active',
        visibility: 'private',
        owner_name: owner,
        short_description: '',
      });
    }
  }

  /** What only the platform does, such as completing a project. */
  setStatus(uid: string, status: string): void {
    const project = this.projects.get(uid);
    if (!project) throw new Error(`no project ${uid}`);
    project.status = status;
    project.is_active = status === 'active';
  }

  projectsOf(owner: string): StoredProject[] {
    return [...this.projects.values()].filter((p) => p.owner_name === owner);
  }

  /** Requests to the API, control requests left out, optionally only those matching. */
  calls(method?: string, path?: string | RegExp): RecordedRequest[] {
    return this.requests.filter((r) => (!method || r.method === method) && (!path || matches(r.path, path)));
  }

  #store(
    p: Omit<StoredProject, 'created' | 'is_active' | 'is_imported' | 'industry_icon'> & Partial<StoredProject>,
  ): StoredProject {
    const project: StoredProject = {
      is_imported: false,
      industry_icon: 'automotive',
      ...p,
      is_active: p.status === 'active',
      created: ++this.#counter,
    };
    this.projects.set(project.uid, project);
    return project;
  }

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const body = await readBody(req);
    const path = req.url ?? '/';
    if (path.startsWith(CONTROL)) return this.#control(req, res, path, body);

    const record: RecordedRequest = {
      method: req.method ?? 'GET',
      path,
      headers: { ...req.headers },
      body,
      connection: this.#sockets.get(req.socket) ?? 0,
    };
    this.requests.push(record);

    const fault = this.#takeFault(record.method, path);
    if (fault) record.fault = fault.kind;
    const limits = this.#countRequest(req.headers['x-avala-api-key']);

    switch (fault?.kind) {
      case 'hang':
        return;
      case 'drop':
        req.socket.destroy();
        return;
      case 'status': {
        const headers: Record<string, string> = fault.retryAfter ? { 'Retry-After': fault.retryAfter } : {};
        return this.#send(
          res,
          record,
          { status: fault.status, body: fault.body ?? defaultBody(fault.status, fault.retryAfter), headers },
          limits,
        );
      }
      case 'html-502':
        record.status = 502;
        res.writeHead(502, { 'Content-Type': 'text/html', ...limits });
        res.end(
          '<html><head><title>502 Bad Gateway</title></head><body><center><h1>502 Bad Gateway</h1></center><hr><center>nginx</center></body></html>',
        );
        return;
      case 'redirect':
        record.status = 302;
        res.writeHead(302, { Location: fault.location, 'Content-Type': 'application/json', ...limits });
        res.end('{}');
        return;
    }

    const reply = this.#route(record, req, body);
    if (reply.status === 429) return this.#send(res, record, reply, limits);

    switch (fault?.kind) {
      case 'act-then-drop':
        req.socket.destroy();
        return;
      case 'act-then-status':
        return this.#send(res, record, { status: fault.status, body: defaultBody(fault.status) }, limits);
      case 'invalid-json':
        record.status = 200;
        res.writeHead(200, { 'Content-Type': 'application/json', ...limits });
        res.end(JSON.stringify(reply.body).slice(0, 20));
        return;
      case 'missing-uid': {
        const { uid: _uid, ...rest } = reply.body as Record<string, unknown>;
        return this.#send(res, record, { ...reply, body: rest }, limits);
      }
      case 'foreign-next': {
        const page = reply.body as { next: string | null };
        if (page.next) {
          const next = new URL(page.next);
          page.next = `${fault.origin}${next.pathname}${next.search}`;
        }
        return this.#send(res, record, reply, limits);
      }
      case 'repeat-next': {
        (reply.body as { next: string | null }).next = `${this.#scheme}://${req.headers.host}${path}`;
        return this.#send(res, record, reply, limits);
      }
    }
    return this.#send(res, record, reply, limits);
  }

  #route(record: RecordedRequest, req: IncomingMessage, body: string): Reply {
    const key = req.headers['x-avala-api-key'];
    const account = ACCOUNTS.find((a) => a.key === key);
    if (!account) return { status: 401, body: { detail: 'Invalid API key.' } };
    const limited = this.#overLimit(account.key);
    if (limited) return limited;

    const url = new URL(record.path, 'http://emulator');
    const prefix = `${API}/projects/`;
    if (!url.pathname.startsWith(prefix) || !url.pathname.endsWith('/')) return notFound();
    let segments: string[];
    try {
      segments = url.pathname.slice(prefix.length, -1).split('/').map(decodeURIComponent);
    } catch {
      return notFound();
    }

    if (segments.length === 1 && segments[0] === 'create-from-existing') {
      return record.method === 'POST' ? this.#clone(account, body) : notAllowed(record.method);
    }
    if (segments.length === 2 && (segments[1] as string) in STATES) {
      return record.method === 'POST'
        ? this.#transition(account, segments[0] as string, segments[1] as string)
        : notAllowed(record.method);
    }
    if (segments.length === 1 && segments[0]) {
      return record.method === 'GET' ? this.#list(account, segments[0], url, req) : notAllowed(record.method);
    }
    return notFound();
  }

  #list(account: Account, owner: string, url: URL, req: IncomingMessage): Reply {
    const visible = [...this.projects.values()].filter(
      (p) =>
        p.owner_name === owner &&
        (p.owner_name === account.username || p.visibility === 'public' || account.role === 'staff'),
    );
    // The reference: 404 when the owner does not exist or has no visible projects.
    if (visible.length === 0) return notFound();

    const name = url.searchParams.get('name');
    // The reference does not say how the filter matches; a case-insensitive substring is the demanding reading.
    let results = name ? visible.filter((p) => p.name.toLowerCase().includes(name.toLowerCase())) : visible;
    results = order(results, url.searchParams.get('ordering'));

    const limitParam = Number(url.searchParams.get('limit'));
    const limit = Number.isInteger(limitParam) && limitParam > 0 ? Math.min(limitParam, 1000) : 100;
    let offset = 0;
    const cursor = url.searchParams.get('cursor');
    if (cursor !== null) {
      const decoded = decodeCursor(cursor);
      if (decoded === undefined) return { status: 404, body: { detail: 'Invalid cursor' } };
      offset = decoded;
    }
    const page = results.slice(offset, offset + limit);
    const link = (at: number) => {
      const next = new URL(`${this.#scheme}://${req.headers.host}${url.pathname}${url.search}`);
      if (at === 0) next.searchParams.delete('cursor');
      else next.searchParams.set('cursor', encodeCursor(at));
      return next.href;
    };
    return {
      status: 200,
      body: {
        next: offset + limit < results.length ? link(offset + limit) : null,
        previous: offset > 0 ? link(Math.max(0, offset - limit)) : null,
        results: page.map(full),
      },
    };
  }

  #clone(account: Account, raw: string): Reply {
    let body: Record<string, unknown>;
    try {
      const parsed: unknown = JSON.parse(raw);
      if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new Error('not an object');
      body = parsed as Record<string, unknown>;
    } catch (error) {
      return { status: 400, body: { detail: `JSON parse error - ${(error as Error).message}` } };
    }
    if (account.role === 'coworker') return forbidden();
    // Both shapes of validation error occur at Avala: Django-style for the source, `detail` for the name.
    if (typeof body.source_project_uid !== 'string' || body.source_project_uid === '') {
      return { status: 400, body: { source_project_uid: ['This field is required.'] } };
    }
    const name = body.name;
    if (typeof name !== 'string' || name.trim() === '')
      return { status: 400, body: { detail: { name: ['This field is required.'] } } };
    if ([...name].length > 100) {
      return { status: 400, body: { detail: { name: ['Ensure this field has no more than 100 characters.'] } } };
    }
    if ('copy_collaborators' in body && typeof body.copy_collaborators !== 'boolean') {
      return { status: 400, body: { detail: { copy_collaborators: ['Must be a valid boolean.'] } } };
    }
    for (const field of ['image_dataset_uid', 'lidar_dataset_uid', 'slice_uid']) {
      if (field in body && (typeof body[field] !== 'string' || body[field] === '')) {
        return { status: 400, body: { detail: { [field]: ['Must be a valid UUID.'] } } };
      }
    }
    if (body.slice_uid && (body.image_dataset_uid || body.lidar_dataset_uid)) {
      return { status: 400, body: { non_field_errors: ['Attach a slice or datasets, not both.'] } };
    }
    const template = this.projects.get(body.source_project_uid);
    if (!template || (template.owner_name !== account.username && template.visibility !== 'public')) return notFound();
    if ([...this.projects.values()].some((p) => p.owner_name === account.username && p.name === name)) {
      return { status: 409, body: { detail: 'A project with this name already exists.' } };
    }
    const project = this.#store({
      uid: randomUUID(),
      name,
      task_type: template.task_type,
      status: 'pending-approval',
      visibility: 'private',
      owner_name: account.username,
      short_description: template.short_description,
      source: {
        template: template.uid,
        copy_collaborators: body.copy_collaborators !== false,
        ...pick(body, ['image_dataset_uid', 'lidar_dataset_uid', 'slice_uid']),
      },
    });
    return { status: 201, body: brief(project), acted: true };
  }

  #transition(account: Account, uid: string, action: string): Reply {
    const project = this.projects.get(uid);
    if (!project || (project.owner_name !== account.username && account.role !== 'staff')) return notFound();
    const rule = STATES[action] as { from: string[]; to: string };
    if (action === 'approve') {
      if (!account.scopes.includes('projects.write')) {
        return {
          status: 403,
          body: {
            detail: 'API key is missing the projects.write scope.',
            code: 'scope_required',
            doc_url: 'https://docs.avala.ai/api/errors#scope_required',
          },
        };
      }
      if (account.plan === 'BASIC') {
        return {
          status: 403,
          body: {
            detail: 'Project approval requires a PRO or ENTERPRISE plan.',
            code: 'plan_insufficient',
            doc_url: 'https://docs.avala.ai/api/errors#plan_insufficient',
          },
        };
      }
      if (!rule.from.includes(project.status))
        return { status: 400, body: { detail: 'Project is not in pending-approval status.' } };
    } else if (!rule.from.includes(project.status)) {
      return { status: 400, body: { detail: `Cannot ${action} a project with status ${project.status}.` } };
    }
    this.setStatus(uid, rule.to);
    return { status: 200, body: brief(project), acted: true };
  }

  #takeFault(method: string, path: string): Fault | undefined {
    const rule = this.#faults.find(
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

  /** Counts a request against its key's window and returns the X-RateLimit-* headers. */
  #countRequest(key: string | string[] | undefined): Record<string, string> {
    if (!this.#rateLimit || typeof key !== 'string') return {};
    const now = Date.now();
    let window = this.#windows.get(key);
    if (!window || now >= window.start + this.#rateLimit.windowMs) {
      window = { start: now, count: 0 };
      this.#windows.set(key, window);
    }
    window.count += 1;
    return {
      'X-RateLimit-Limit': String(this.#rateLimit.limit),
      'X-RateLimit-Remaining': String(Math.max(0, this.#rateLimit.limit - window.count)),
      'X-RateLimit-Reset': String(Math.ceil((window.start + this.#rateLimit.windowMs) / 1000)),
    };
  }

  #overLimit(key: string): Reply | undefined {
    const window = this.#windows.get(key);
    if (!this.#rateLimit || !window || window.count <= this.#rateLimit.limit) return undefined;
    const seconds = Math.max(1, Math.ceil((window.start + this.#rateLimit.windowMs - Date.now()) / 1000));
    return {
      status: 429,
      body: { detail: `Request was throttled. Expected available in ${seconds} seconds.` },
      headers: { 'Retry-After': String(seconds) },
    };
  }

  #send(res: ServerResponse, record: RecordedRequest, reply: Reply, limits: Record<string, string>): void {
    record.status = reply.status;
    res.writeHead(reply.status, { 'Content-Type': 'application/json', ...limits, ...reply.headers });
    res.end(JSON.stringify(reply.body));
  }

  /** Out-of-process control, for the e2e workflow and people trying the action by hand. */
  #control(req: IncomingMessage, res: ServerResponse, path: string, body: string): void {
    const [status, value] = this.#controlReply(req.method ?? 'GET', path, body);
    res.writeHead(status, { 'Content-Type': 'application/json' });
    res.end(JSON.stringify(value));
  }

  #controlReply(method: string, path: string, body: string): [number, unknown] {
    try {
      if (method === 'GET' && path === `${CONTROL}/requests`) return [200, this.requests];
      if (method === 'GET' && path === `${CONTROL}/projects`) return [200, [...this.projects.values()]];
      if (method === 'POST' && path === `${CONTROL}/reset`) {
        this.reset();
        return [200, { ok: true }];
      }
      if (method === 'POST' && path === `${CONTROL}/faults`) {
        this.inject(JSON.parse(body) as FaultRule);
        return [200, { ok: true }];
      }
      const status = path.match(new RegExp(`^${CONTROL}/projects/([^/]+)/status$`));
      if (method === 'POST' && status) {
        this.setStatus(decodeURIComponent(status[1] as string), (JSON.parse(body) as { status: string }).status);
        return [200, { ok: true }];
      }
      return [404, { detail: 'Not found.' }];
    } catch (error) {
      return [400, { detail: String(error) }];
    }
  }
}

export async function startEmulator(options: EmulatorOptions = {}): Promise<Emulator> {
  const emulator = new Emulator(options);
  await emulator.start(options);
  return emulator;
}

function matches(path: string, pattern: string | RegExp): boolean {
  return typeof pattern === 'string' ? path.includes(pattern) : pattern.test(path);
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function full(p: StoredProject): Record<string, unknown> {
  const { created: _created, source: _source, ...fields } = p;
  return fields;
}

/** The shape the reference shows for clone, approve and the other status changes. */
function brief(p: StoredProject): Record<string, unknown> {
  return {
    uid: p.uid,
    name: p.name,
    status: p.status,
    task_type: p.task_type,
    owner_name: p.owner_name,
    visibility: p.visibility,
  };
}

function pick(o: Record<string, unknown>, keys: string[]): Record<string, string> {
  return Object.fromEntries(keys.filter((k) => typeof o[k] === 'string').map((k) => [k, o[k] as string]));
}

const ORDER_FIELDS: Record<string, (p: StoredProject) => string | number> = {
  name: (p) => p.name,
  status: (p) => p.status,
  uid: (p) => p.uid,
  created_at: (p) => p.created,
};

/** DRF's OrderingFilter: known fields in the given order, unknown ones ignored; newest first by default. */
function order(projects: StoredProject[], ordering: string | null): StoredProject[] {
  const keys = (ordering ?? '')
    .split(',')
    .map((f) => f.trim())
    .filter((f) => ORDER_FIELDS[f.replace(/^-/, '')]);
  if (keys.length === 0) keys.push('-created_at');
  return [...projects].sort((a, b) => {
    for (const key of keys) {
      const get = ORDER_FIELDS[key.replace(/^-/, '')] as (p: StoredProject) => string | number;
      const x = get(a);
      const y = get(b);
      if (x !== y) return (x < y ? -1 : 1) * (key.startsWith('-') ? -1 : 1);
    }
    return 0;
  });
}

function encodeCursor(offset: number): string {
  return Buffer.from(`o=${offset}`).toString('base64url');
}

function decodeCursor(cursor: string): number | undefined {
  const match = Buffer.from(cursor, 'base64url')
    .toString('utf8')
    .match(/^o=(\d+)$/);
  return match ? Number(match[1]) : undefined;
}

function notFound(): Reply {
  return { status: 404, body: { detail: 'Not found.' } };
}

function forbidden(): Reply {
  return { status: 403, body: { detail: 'You do not have permission to perform this action.' } };
}

function notAllowed(method: string): Reply {
  return { status: 405, body: { detail: `Method "${method}" not allowed.` } };
}

function defaultBody(status: number, retryAfter?: string): unknown {
  if (status === 429) return { detail: `Request was throttled. Expected available in ${retryAfter ?? 30} seconds.` };
  if (status === 503) return { detail: 'Service temporarily unavailable, try again later.' };
  if (status >= 500) return { detail: 'A server error occurred.' };
  return { detail: `Error ${status}.` };
}
