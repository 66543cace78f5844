/**
 * The files a push or pull request added or modified, from the event payload
 * or, where the payload cannot hold them all, from GitHub's compare API. The
 * token goes to GITHUB_API_URL and nowhere else.
 */
import { readBody } from '../api/decode.ts';
import { isObject } from '../api/errors.ts';
import type { FetchLike } from '../api/http.ts';
import { MAX_BODY_BYTES } from '../api/retry.ts';
import { InputError } from '../inputs/errors.ts';
import { parseBaseUrl } from '../inputs/validate.ts';

export interface GitHubEvent {
  name: string | undefined;
  payload: Record<string, unknown>;
}

export interface ChangesContext {
  event: GitHubEvent;
  env: NodeJS.ProcessEnv;
  token: string;
  fetch: FetchLike;
  log: (message: string) => void;
}

/** GitHub puts at most this many commits in a push payload; a push of more is listed by the compare API. */
const PAYLOAD_COMMITS = 20;
/** Compare pages read at most: 100 files each, while the compare API lists 300 files at most. */
const MAX_PAGES = 10;

export async function changedFiles(c: ChangesContext): Promise<string[]> {
  const { name, payload } = c.event;
  if (name === 'push') {
    const commits = Array.isArray(payload.commits) ? payload.commits.filter(isObject) : [];
    const listed = commits.every((commit) => Array.isArray(commit.added) && Array.isArray(commit.modified));
    const before = typeof payload.before === 'string' ? payload.before : '';
    const after = typeof payload.after === 'string' ? payload.after : '';
    // A new branch has no `before` to compare with: its payload is all there is.
    if ((listed && commits.length < PAYLOAD_COMMITS) || /^0*$/.test(before)) {
      return commits.flatMap((commit) => [...strings(commit.added), ...strings(commit.modified)]);
    }
    return compare(c, before, after);
  }
  if (name === 'pull_request' || name === 'pull_request_target') {
    const pr = isObject(payload.pull_request) ? payload.pull_request : {};
    return compare(c, shaOf(pr.base), shaOf(pr.head));
  }
  throw new InputError(
    'dataset-dirs',
    `Invalid dataset-dirs: the ${name ?? 'unknown'} event does not say which files changed. dataset-dirs works on push and pull_request events; name the datasets in dataset instead.`,
  );
}

/** A failure to learn what the event changed: said in the action's terms, with what to do about it. */
export class ChangesError extends Error {
  override readonly name = 'ChangesError';
  readonly errorCode: string;

  constructor(errorCode: string, message: string) {
    super(message);
    this.errorCode = errorCode;
  }
}

async function compare(c: ChangesContext, base: string, head: string): Promise<string[]> {
  if (!c.token) {
    throw new InputError(
      'github-token',
      "Missing github-token: dataset-dirs reads this event's changed files from GitHub's compare API, which needs a token (the default, the workflow's own, does with permissions: contents: read).",
    );
  }
  try {
    return await compareFiles(c, base, head);
  } catch (error) {
    if (error instanceof ChangesError) throw error;
    const status = isObject(error) && typeof error.status === 'number' ? error.status : undefined;
    const why = error instanceof Error ? error.message : String(error);
    const advice =
      status === 401 || status === 403 || status === 404
        ? ': github-token must be able to read the repository (the job needs permissions: contents: read)'
        : '';
    throw new ChangesError(
      status ? `http-${status}` : 'network',
      `Could not read the changed files from GitHub's compare API (${base.slice(0, 7)}...${head.slice(0, 7)}): ${why}${advice}.`,
    );
  }
}

async function compareFiles(c: ChangesContext, base: string, head: string): Promise<string[]> {
  const api = parseBaseUrl('GITHUB_API_URL', c.env.GITHUB_API_URL || 'https://api.github.com');
  const [owner, repo] = (c.env.GITHUB_REPOSITORY ?? '').split('/');
  if (!owner || !repo || !/^[0-9a-f]{7,64}$/.test(base) || !/^[0-9a-f]{7,64}$/.test(head)) {
    throw new Error('the event names no repository or commits to compare');
  }
  const { getOctokit } = await import('@actions/github');
  const octokit = getOctokit(c.token, { baseUrl: api.href.replace(/\/$/, ''), request: { fetch: guarded(c, api) } });
  const files: string[] = [];
  let pages = 0;
  const params = { owner, repo, basehead: `${base}...${head}`, per_page: 100 };
  for await (const response of octokit.paginate.iterator(octokit.rest.repos.compareCommitsWithBasehead, params)) {
    if (++pages > MAX_PAGES) throw new Error(`GitHub's compare API sent more than ${MAX_PAGES} pages`);
    // Typed by the iterator as a list; the compare answer is an object that holds one.
    const data = response.data as { files?: Array<{ filename: string; status: string }> };
    for (const file of data.files ?? []) if (file.status !== 'removed') files.push(file.filename);
  }
  return files;
}

/**
 * Octokit's fetch: to GITHUB_API_URL's origin only (a Link to another host is
 * refused, a redirect not followed), each answer read to at most 10 MB.
 */
function guarded(c: ChangesContext, api: URL): typeof globalThis.fetch {
  return async (input, init) => {
    const url = new URL(input instanceof Request ? input.url : String(input));
    if (url.origin !== api.origin) {
      throw new Error(`refused to send the GitHub token to ${url.origin}, which is not GITHUB_API_URL's origin`);
    }
    const started = performance.now();
    const headers = Object.fromEntries(new Headers(init?.headers).entries());
    const response = await c.fetch(url.href, {
      method: init?.method ?? 'GET',
      headers,
      redirect: 'manual',
      signal: init?.signal ?? AbortSignal.timeout(30_000),
    });
    const text = await readBody(response, MAX_BODY_BYTES);
    c.log(
      `GET ${url.pathname}${url.search} → ${response.status} in ${Math.round(performance.now() - started)} ms (GitHub)`,
    );
    if (text === undefined) throw new Error('GitHub sent an answer larger than 10 MB');
    const answerHeaders = new Headers();
    for (const name of ['content-type', 'link', 'x-github-request-id']) {
      const value = response.headers.get(name);
      if (value !== null) answerHeaders.set(name, value);
    }
    const answer = new Response(response.status === 204 ? null : text, {
      status: response.status,
      headers: answerHeaders,
    });
    // A constructed Response has no url; octokit reports and resolves links by it.
    Object.defineProperty(answer, 'url', { value: url.href });
    return answer;
  };
}

function strings(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}

function shaOf(ref: unknown): string {
  return isObject(ref) && typeof ref.sha === 'string' ? ref.sha : '';
}
