/**
 * A GitHub REST API emulator for the pull-request comment: an issue's comments
 * listed by page and per_page and linked by absolute `Link` URLs, created,
 * edited, and the token's user, as GitHub's REST reference describes them
 * (octokit's issues.listComments, createComment, updateComment and
 * users.getAuthenticated). Faults on demand: a status, a redirect, a hang, a
 * `next` link to another origin.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** The one repository this GitHub serves; any other is not found. */
export const REPOSITORY = 'acme/datasets';

export interface GitHubUser {
  login: string;
  id: number;
  type: 'User' | 'Bot';
}

export const ACTIONS_BOT: GitHubUser = { login: 'github-actions[bot]', id: 41898282, type: 'Bot' };
export const REVIEWER: GitHubUser = { login: 'octo-reviewer', id: 583231, type: 'User' };
export const STRANGER: GitHubUser = { login: 'mallory', id: 1337, type: 'User' };

/** The workflow's own token: github-actions[bot], which may write comments but not read GET /user. */
export const WORKFLOW_TOKEN = 'ghs_workflowtoken0123456789abcdefABCDEF';
/** A workflow token of a pull request from a fork: read-only. */
export const FORK_TOKEN = 'ghs_forkreadonly0123456789abcdefABCDEF0';
/** A personal access token of octo-reviewer. */
export const PERSONAL_TOKEN = 'ghp_personaltoken0123456789abcdefABCDEF';
/** An installation token in the older `v1.` form (GitHub Enterprise Server's workflow tokens): no GET /user. */
export const INSTALLATION_TOKEN = 'v1.0123456789abcdef0123456789abcdef01234567';
/** A token this GitHub refuses, as it would an expired or revoked one. */
export const REVOKED_TOKEN = 'ghs_revokedtoken0000000000000000000000';

interface TokenGrant {
  user: GitHubUser;
  integration: boolean;
  readOnly: boolean;
}

const TOKENS = new Map<string, TokenGrant>([
  [WORKFLOW_TOKEN, { user: ACTIONS_BOT, integration: true, readOnly: false }],
  [FORK_TOKEN, { user: ACTIONS_BOT, integration: true, readOnly: true }],
  [PERSONAL_TOKEN, { user: REVIEWER, integration: false, readOnly: false }],
  [INSTALLATION_TOKEN, { user: ACTIONS_BOT, integration: true, readOnly: false }],
]);

export interface IssueComment {
  id: number;
  node_id: string;
  url: string;
  html_url: string;
  issue_url: string;
  body: string;
  user: GitHubUser;
  created_at: string;
  updated_at: string;
  author_association: string;
}

export interface GitHubRequest {
  method: string;
  /** Path and query as received, base path included. */
  path: string;
  authorization: string | undefined;
  /** Every header, to check that no Avala key ever arrives here. */
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** A fault, applied to the requests it matches, `times` of them (all, when absent). */
export interface Fault {
  method?: string;
  /** Matched against the path without the base path, e.g. /\/comments$/. */
  path?: RegExp;
  times?: number;
  /** Respond with this status (and a GitHub-like error body). */
  status?: number;
  /** The error body's message, instead of GitHub's usual one for the status. */
  message?: string;
  /** Handle the request as usual first (a POST creates its comment), then respond with `status`, or hang. */
  afterActing?: boolean;
  retryAfter?: string;
  /** Respond with `status` (302 by default) and this Location. */
  redirect?: string;
  /** Never respond: a timeout's cause. */
  hang?: boolean;
}

const MAX_COMMENT_CHARS = 65_536;
const MAX_REQUEST_BYTES = 1024 * 1024;
const DOCS = 'https://docs.github.com/rest/issues/comments';

export class GitHubEmulator {
  readonly requests: GitHubRequest[] = [];
  /** When set, every `next` link points at this origin instead (a hostile or broken response). */
  foreignNext: string | undefined;
  readonly #basePath: string;
  readonly #comments = new Map<number, IssueComment[]>();
  #faults: Array<Fault & { left: number }> = [];
  #nextId = 2_000_000_001;
  #server: Server = createServer((req, res) => void this.#handle(req, res));
  #origin = '';

  constructor(basePath = '') {
    this.#basePath = basePath.replace(/\/+$/, '');
  }

  async start(): Promise<string> {
    await new Promise<void>((resolve) => this.#server.listen(0, '127.0.0.1', resolve));
    this.#origin = `http://127.0.0.1:${(this.#server.address() as AddressInfo).port}`;
    return this.url;
  }

  /** What GITHUB_API_URL is set to. */
  get url(): string {
    return this.#origin + this.#basePath;
  }

  /** A copy of a pull request's comments, oldest first. */
  comments(number: number): IssueComment[] {
    return (this.#comments.get(number) ?? []).map((comment) => ({ ...comment, user: { ...comment.user } }));
  }

  /** A comment as if written before the test, by `user` (github-actions[bot] unless told). */
  seed(number: number, body: string, user: GitHubUser = ACTIONS_BOT): IssueComment {
    return this.#add(number, body, user);
  }

  /** `count` comments by others, as a busy pull request has. */
  seedMany(number: number, count: number, user: GitHubUser = STRANGER): void {
    for (let i = 1; i <= count; i++) this.#add(number, `Comment ${i}`, user);
  }

  fault(fault: Fault): void {
    this.#faults.push({ ...fault, left: fault.times ?? Number.POSITIVE_INFINITY });
  }

  reset(): void {
    this.requests.length = 0;
    this.#comments.clear();
    this.#faults = [];
    this.foreignNext = undefined;
  }

  async close(): Promise<void> {
    this.#server.closeAllConnections();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }

  #add(number: number, body: string, user: GitHubUser): IssueComment {
    const id = this.#nextId++;
    const now = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
    const [owner, repo] = REPOSITORY.split('/');
    const comment: IssueComment = {
      id,
      node_id: `IC_kwDO${id.toString(36)}`,
      url: `${this.url}/repos/${owner}/${repo}/issues/comments/${id}`,
      html_url: `${this.#origin}/${owner}/${repo}/pull/${number}#issuecomment-${id}`,
      issue_url: `${this.url}/repos/${owner}/${repo}/issues/${number}`,
      body,
      user: { ...user },
      created_at: now,
      updated_at: now,
      author_association: user.type === 'Bot' ? 'NONE' : 'MEMBER',
    };
    const comments = this.#comments.get(number) ?? [];
    comments.push(comment);
    this.#comments.set(number, comments);
    return comment;
  }

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', this.#origin);
    const method = req.method ?? 'GET';
    const body = await readRequestBody(req);
    this.requests.push({
      method,
      path: url.pathname + url.search,
      authorization: req.headers.authorization,
      headers: { ...req.headers },
      body: body ?? '',
    });
    const send = (status: number, data: unknown, headers: Record<string, string> = {}) => {
      const json = status === 204 ? '' : JSON.stringify(data);
      res.writeHead(status, {
        'Content-Type': 'application/json; charset=utf-8',
        'X-GitHub-Request-Id': 'EMU',
        ...headers,
      });
      res.end(json);
    };
    const route = url.pathname.startsWith(`${this.#basePath}/`) ? url.pathname.slice(this.#basePath.length) : undefined;
    const fault = route === undefined ? undefined : this.#takeFault(method, route);
    if (fault?.hang && !fault.afterActing) return;
    if (fault?.redirect) {
      send(fault.status ?? 302, { message: 'Moved' }, { Location: fault.redirect });
      return;
    }
    if (fault && !fault.afterActing) {
      send(fault.status ?? 500, errorBody(fault), retryAfter(fault));
      return;
    }
    const [status, data, headers] = this.#route(method, url, route, req.headers.authorization, body);
    if (fault?.hang) return;
    if (fault) send(fault.status ?? 500, errorBody(fault), retryAfter(fault));
    else send(status, data, headers);
  }

  #takeFault(method: string, route: string): Fault | undefined {
    const fault = this.#faults.find(
      (f) => f.left > 0 && (!f.method || f.method === method) && (!f.path || f.path.test(route)),
    );
    if (fault) fault.left--;
    return fault;
  }

  #route(
    method: string,
    url: URL,
    route: string | undefined,
    authorization: string | undefined,
    body: string | undefined,
  ): [number, unknown, Record<string, string>?] {
    const token = /^(?:token|bearer) (\S+)$/i.exec(authorization ?? '')?.[1];
    if (!token) return [401, { message: 'Requires authentication', documentation_url: 'https://docs.github.com/rest' }];
    const grant = TOKENS.get(token);
    if (!grant) return [401, { message: 'Bad credentials', documentation_url: 'https://docs.github.com/rest' }];
    if (route === '/user' && method === 'GET') {
      if (grant.integration)
        return [403, forbidden('https://docs.github.com/rest/users/users#get-the-authenticated-user')];
      return [200, { login: grant.user.login, id: grant.user.id, type: grant.user.type, site_admin: false }];
    }
    const list = route?.match(/^\/repos\/([^/]+)\/([^/]+)\/issues\/(\d+)\/comments$/);
    const one = route?.match(/^\/repos\/([^/]+)\/([^/]+)\/issues\/comments\/(\d+)$/);
    const repo = list ?? one;
    if (!repo || `${repo[1]}/${repo[2]}` !== REPOSITORY)
      return [404, { message: 'Not Found', documentation_url: DOCS }];
    if (list && method === 'GET') return this.#list(url, Number(list[3]));
    const parsed = parseCommentBody(body);
    if (list && method === 'POST') {
      if (grant.readOnly) return [403, forbidden(DOCS)];
      if (typeof parsed !== 'string') return parsed;
      const comment = this.#add(Number(list[3]), parsed, grant.user);
      return [201, comment, { Location: comment.url }];
    }
    const comment = one && [...this.#comments.values()].flat().find((c) => c.id === Number(one[3]));
    if (one && method === 'PATCH') {
      if (!comment) return [404, { message: 'Not Found', documentation_url: DOCS }];
      if (grant.readOnly || comment.user.login !== grant.user.login) return [403, forbidden(DOCS)];
      if (typeof parsed !== 'string') return parsed;
      comment.body = parsed;
      comment.updated_at = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
      return [200, comment];
    }
    return [404, { message: 'Not Found', documentation_url: DOCS }];
  }

  #list(url: URL, number: number): [number, unknown, Record<string, string>?] {
    const comments = this.#comments.get(number) ?? [];
    const perPage = Math.min(100, Math.max(1, Number(url.searchParams.get('per_page') ?? 30) || 30));
    const page = Math.max(1, Number(url.searchParams.get('page') ?? 1) || 1);
    const last = Math.max(1, Math.ceil(comments.length / perPage));
    const link = (n: number, rel: string) => {
      const target = new URL(url.href);
      target.searchParams.set('page', String(n));
      const origin = rel === 'next' && this.foreignNext ? this.foreignNext : this.#origin;
      return `<${origin}${target.pathname}${target.search}>; rel="${rel}"`;
    };
    const links = [
      ...(page > 1 ? [link(page - 1, 'prev')] : []),
      ...(page < last ? [link(page + 1, 'next'), link(last, 'last')] : []),
      ...(page > 1 ? [link(1, 'first')] : []),
    ];
    const data = comments.slice((page - 1) * perPage, page * perPage);
    return [200, data, links.length > 0 ? { Link: links.join(', ') } : {}];
  }
}

function forbidden(documentation: string): unknown {
  return { message: 'Resource not accessible by integration', documentation_url: documentation, status: '403' };
}

function errorBody(fault: Fault): unknown {
  const status = fault.status ?? 500;
  if (fault.message !== undefined) return { message: fault.message, documentation_url: DOCS };
  return status >= 500 ? { message: 'Server Error' } : { message: `Emulated ${status}`, documentation_url: DOCS };
}

function retryAfter(fault: Fault): Record<string, string> {
  return fault.retryAfter === undefined ? {} : { 'Retry-After': fault.retryAfter };
}

/** The comment text of a POST or PATCH, or the response GitHub gives a body it refuses. */
function parseCommentBody(text: string | undefined): string | [number, unknown] {
  let json: unknown;
  try {
    json = JSON.parse(text ?? '');
  } catch {
    return [400, { message: 'Problems parsing JSON', documentation_url: DOCS }];
  }
  const body = typeof json === 'object' && json !== null && 'body' in json ? json.body : undefined;
  if (typeof body !== 'string') return [422, { message: 'Invalid request.\n\n"body" wasn\'t supplied.' }];
  // GitHub counts characters, not UTF-16 units.
  if ([...body].length > MAX_COMMENT_CHARS) {
    const error = { resource: 'IssueComment', code: 'custom', field: 'body', message: 'body is too long' };
    return [422, { message: 'Validation Failed', errors: [error], documentation_url: DOCS }];
  }
  return body;
}

async function readRequestBody(req: IncomingMessage): Promise<string | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  // Read to the end whatever the size, so that the response can still be sent; past the limit it is dropped.
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size <= MAX_REQUEST_BYTES) chunks.push(chunk as Buffer);
  }
  return size > MAX_REQUEST_BYTES ? undefined : Buffer.concat(chunks).toString('utf8');
}

export async function startGitHubEmulator(options: { basePath?: string } = {}): Promise<GitHubEmulator> {
  const github = new GitHubEmulator(options.basePath);
  await github.start();
  return github;
}
