/**
 * The Avala emulator: a real HTTP server on loopback that follows the API
 * reference (Avala's projects API: list, clone, approve, pause, resume, cancel,
 * archive; datasets read and uploaded, with presigned storage targets on the
 * same origin), with faults injected on demand. Tests, the demo, the benchmarks
 * and `npm run emulator` run the action against it.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import { Datasets } from './datasets.ts';
import {
  type Fault,
  type FaultContext,
  FaultQueue,
  type FaultRule,
  faultAfter,
  faultBefore,
  matches,
} from './faults.ts';
import { API, accountFor, type Reply, Routes } from './routes.ts';
import { Storage, type StorageRequest } from './storage.ts';
import { Store, type StoredProject } from './store.ts';
import { STORAGE, type UploadOptions, Uploads } from './uploads.ts';

export type { Fault, FaultRule } from './faults.ts';
export type { StorageRequest } from './storage.ts';
export type { StoredProject } from './store.ts';
export type { Readiness, StagedFile, Target, UploadOptions } from './uploads.ts';

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
  /** The storage quota and the readiness of uploaded datasets that every reset returns to. */
  uploads?: UploadOptions;
}

const CONTROL = '/__emulator';

export class Emulator {
  readonly requests: RecordedRequest[] = [];
  /** TCP connections accepted since start. */
  connections = 0;
  readonly #store = new Store();
  readonly datasets = new Datasets();
  readonly #routes = new Routes(this.#store, this.datasets);
  readonly #faults = new FaultQueue();
  /** The upload protocol's state: `quotaBytes`, `readiness`, `staged()`, `filesOf()`, `targets`. */
  readonly uploads: Uploads;
  readonly #storage: Storage;
  #server: Server;
  #scheme: 'http' | 'https';
  #sockets = new Map<Socket, number>();
  #windows = new Map<string, { start: number; count: number }>();
  #rateLimit: { limit: number; windowMs: number } | false;
  #url = '';

  constructor(options: EmulatorOptions = {}) {
    this.#rateLimit = options.rateLimit ?? { limit: 100, windowMs: 60_000 };
    this.uploads = new Uploads(this.datasets, options.uploads);
    this.#storage = new Storage(this.uploads, this.#faults, (req) => this.#sockets.get(req.socket) ?? 0);
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

  /** Requests to storage targets, apart from the API's: what a test checks no key ever reached. */
  /** The most storage requests handled at once since the last reset. */
  get storagePeak(): number {
    return this.#storage.peak;
  }

  get storageRequests(): StorageRequest[] {
    return this.#storage.requests;
  }

  get projects(): Map<string, StoredProject> {
    return this.#store.projects;
  }

  async close(): Promise<void> {
    this.#server.closeAllConnections();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }

  /** Back to the seeded state: no faults, no requests, only seeded projects and datasets, nothing staged. */
  reset(): void {
    this.requests.length = 0;
    this.storageRequests.length = 0;
    // A request a test left hanging (a stall) is not the next test's.
    this.#storage.active.clear();
    this.#storage.peak = 0;
    this.#faults.clear();
    this.#windows.clear();
    this.#store.reset();
    this.datasets.reset();
    this.uploads.reset();
  }

  inject(rule: FaultRule): void {
    this.#faults.inject(rule);
  }

  clearFaults(): void {
    this.#faults.clear();
  }

  /** Adds `count` projects to an owner, named `${prefix} 00001`…, for pagination and benchmarks. */
  addProjects(owner: string, count: number, prefix = 'Bulk'): void {
    this.#store.addProjects(owner, count, prefix);
  }

  /** One project of acme's (or of another owner), as a person makes it by hand in Avala. */
  addProject(fields: Partial<StoredProject> & { name: string }): StoredProject {
    return this.#store.add({
      uid: randomUUID(),
      task_type: 'image-annotation',
      status: 'active',
      visibility: 'private',
      owner_name: 'acme',
      short_description: '',
      ...fields,
    });
  }

  /** What only the platform does, such as completing a project. */
  setStatus(uid: string, status: string): void {
    this.#store.setStatus(uid, status);
  }

  projectsOf(owner: string): StoredProject[] {
    return this.#store.projectsOf(owner);
  }

  /** Requests to the API, control requests left out, optionally only those matching. */
  calls(method?: string, path?: string | RegExp): RecordedRequest[] {
    return this.requests.filter((r) => (!method || r.method === method) && (!path || matches(r.path, path)));
  }

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = req.url ?? '/';
    // Before the body is read: a target streams it.
    if (path.startsWith(STORAGE)) return this.#storage.handle(req, res, `${this.#scheme}://${req.headers.host}`);
    const body = await readBody(req);
    if (path.startsWith(CONTROL)) return this.#control(req, res, path, body);

    const record: RecordedRequest = {
      method: req.method ?? 'GET',
      path,
      headers: { ...req.headers },
      body,
      connection: this.#sockets.get(req.socket) ?? 0,
    };
    this.requests.push(record);

    const fault = this.#faults.take(record.method, path);
    if (fault) record.fault = fault.kind;
    const limits = this.#countRequest(req.headers['x-avala-api-key']);
    const origin = `${this.#scheme}://${req.headers.host}`;
    const context: FaultContext = {
      req,
      res,
      limits,
      origin,
      path,
      send: (reply) => this.#send(res, record, reply, limits),
      answered: (status) => {
        record.status = status;
      },
    };
    if (await faultBefore(fault, context)) return;
    const reply = this.#reply(record, body, origin);
    if (reply.status !== 429 && faultAfter(fault, reply, context)) return;
    this.#send(res, record, reply, limits);
  }

  /** Authenticates, counts against the rate limit, and routes. */
  #reply(record: RecordedRequest, body: string, origin: string): Reply {
    const account = accountFor(record.headers['x-avala-api-key']);
    if (!account) return { status: 401, body: { detail: 'Invalid API key.' } };
    const limited = this.#overLimit(account.key);
    if (limited) return limited;
    return (
      this.uploads.route(account, record.method, record.path, body, origin) ??
      this.#routes.route(account, record.method, record.path, body, origin)
    );
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
      if (method === 'GET' && path === `${CONTROL}/projects`) return [200, [...this.#store.projects.values()]];
      if (method === 'GET' && path === `${CONTROL}/storage-requests`) return [200, this.storageRequests];
      if (method === 'POST' && path === `${CONTROL}/uploads`) {
        const { quotaBytes, readiness } = JSON.parse(body) as UploadOptions;
        if (quotaBytes !== undefined) this.uploads.quotaBytes = quotaBytes;
        if (readiness !== undefined) this.uploads.readiness = readiness;
        return [200, { quotaBytes: this.uploads.quotaBytes, readiness: this.uploads.readiness }];
      }
      if (method === 'POST' && path === `${CONTROL}/reset`) {
        this.reset();
        return [200, { ok: true }];
      }
      if (method === 'POST' && path === `${CONTROL}/datasets`) {
        return [200, this.datasets.add(JSON.parse(body) as { slug: string })];
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

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}
