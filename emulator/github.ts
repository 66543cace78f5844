/**
 * A GitHub API emulator for the one endpoint the action reads: the compare of
 * two commits, with its changed files paginated by page and per_page and
 * linked by `Link` headers, as GitHub serves them.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A token this GitHub refuses, as it would an expired or revoked one. */
export const REVOKED_TOKEN = 'ghs_revokedtoken0000000000000000000000';

export interface ChangedFile {
  filename: string;
  status: 'added' | 'modified' | 'removed' | 'renamed' | 'copied' | 'changed';
}

export interface GitHubRequest {
  method: string;
  path: string;
  authorization: string | undefined;
  /** Every header, to check that no Avala key ever arrives here. */
  headers: Record<string, string | string[] | undefined>;
}

export class GitHubEmulator {
  readonly requests: GitHubRequest[] = [];
  /** Files of each compare, by `base...head`. */
  readonly compares = new Map<string, ChangedFile[]>();
  /** When set, every `next` link points at this origin instead (a hostile or broken answer). */
  foreignNext: string | undefined;
  #server: Server = createServer((req, res) => this.#handle(req, res));
  #url = '';

  async start(): Promise<string> {
    await new Promise<void>((resolve) => this.#server.listen(0, '127.0.0.1', resolve));
    this.#url = `http://127.0.0.1:${(this.#server.address() as AddressInfo).port}`;
    return this.#url;
  }

  /** What GITHUB_API_URL is set to. */
  get url(): string {
    return this.#url;
  }

  async close(): Promise<void> {
    this.#server.closeAllConnections();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }

  #handle(req: IncomingMessage, res: ServerResponse): void {
    const url = new URL(req.url ?? '/', this.#url);
    this.requests.push({
      method: req.method ?? 'GET',
      path: url.pathname + url.search,
      authorization: req.headers.authorization,
      headers: { ...req.headers },
    });
    const send = (status: number, body: unknown, headers: Record<string, string> = {}) => {
      res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', ...headers });
      res.end(JSON.stringify(body));
    };
    if (!/^(token|bearer) \S+$/i.test(req.headers.authorization ?? '')) {
      send(401, { message: 'Requires authentication', documentation_url: 'https://docs.github.com/rest' });
      return;
    }
    if (req.headers.authorization?.endsWith(REVOKED_TOKEN)) {
      send(401, { message: 'Bad credentials', documentation_url: 'https://docs.github.com/rest' });
      return;
    }
    const match = url.pathname.match(/^\/repos\/([^/]+)\/([^/]+)\/compare\/([^/]+)$/);
    const files = match ? this.compares.get(decodeURIComponent(match[3] as string)) : undefined;
    if (req.method !== 'GET' || !files) {
      send(404, { message: 'Not Found' });
      return;
    }
    const perPage = Math.min(100, Number(url.searchParams.get('per_page') ?? 30) || 30);
    const page = Math.max(1, Number(url.searchParams.get('page') ?? 1) || 1);
    const last = Math.max(1, Math.ceil(files.length / perPage));
    const link = (n: number, rel: string) => {
      const target = new URL(url.href);
      target.searchParams.set('page', String(n));
      const origin = rel === 'next' && this.foreignNext ? this.foreignNext : this.#url;
      return `<${origin}${target.pathname}${target.search}>; rel="${rel}"`;
    };
    const links = [
      ...(page < last ? [link(page + 1, 'next'), link(last, 'last')] : []),
      ...(page > 1 ? [link(1, 'first')] : []),
    ];
    send(
      200,
      {
        // GitHub's shape, url first: octokit's paginator takes an answer without url for a list to unwrap.
        url: `${this.#url}${url.pathname}`,
        status: 'ahead',
        total_commits: 1,
        commits: [],
        files: files.slice((page - 1) * perPage, page * perPage),
      },
      links.length > 0 ? { Link: links.join(', ') } : {},
    );
  }
}

export async function startGitHubEmulator(): Promise<GitHubEmulator> {
  const github = new GitHubEmulator();
  await github.start();
  return github;
}
