/** The step's comment through octokit: whose it is, finding it among the pull request's, creating or editing it. */
import type { getOctokit } from '@actions/github';
import { backoffDelay } from '../api/retry.ts';
import { isObject } from '../api/text.ts';
import { failureOf, statusOf } from './pr-comment-failure.ts';
import { retryWait } from './pr-comment-http.ts';

export type Octokit = ReturnType<typeof getOctokit>;

export interface Target {
  owner: string;
  repo: string;
  issue_number: number;
}

export interface Written {
  written: 'created' | 'updated';
  url?: string;
}

interface Found {
  id: number;
  body: string;
  url: string | undefined;
}

/** The workflow's own token cannot read GET /user; its comments are this bot's. */
const ACTIONS_BOT = 'github-actions[bot]';
/** Pages of 100 comments read at most while looking for the step's comment. */
const MAX_PAGES = 50;

/** The login whose comments are the step's: the token's own user. */
export async function ownLogin(octokit: Octokit, token: string): Promise<string> {
  if (token.startsWith('ghs_')) return ACTIONS_BOT;
  try {
    const { data } = await octokit.rest.users.getAuthenticated();
    if (typeof data.login !== 'string') throw new Error('GitHub named no user for github-token');
    return data.login;
  } catch (error) {
    // An installation token (as GitHub Enterprise Server's workflow tokens used to be) cannot read GET /user.
    if (statusOf(error) === 403) return ACTIONS_BOT;
    throw error;
  }
}

/** The first comment by `login` that starts with the marker, reading at most MAX_PAGES pages. */
export async function findOwn(
  octokit: Octokit,
  target: Target,
  login: string,
  marker: string,
): Promise<Found | undefined> {
  let pages = 0;
  const pagesOf = octokit.paginate.iterator(octokit.rest.issues.listComments, { ...target, per_page: 100 });
  for await (const response of pagesOf) {
    const comments: unknown = response.data;
    if (!Array.isArray(comments)) throw new Error("GitHub's list of comments is not a list");
    for (const comment of comments) {
      if (!isObject(comment) || !isObject(comment.user) || typeof comment.user.login !== 'string') continue;
      const { id, body, html_url: url } = comment;
      if (typeof id !== 'number' || typeof body !== 'string' || !body.startsWith(marker)) continue;
      // Another user's comment may carry the marker too (copied, or planted): it is never edited.
      if (comment.user.login.toLowerCase() !== login.toLowerCase()) continue;
      return { id, body, url: typeof url === 'string' ? url : undefined };
    }
    if (++pages >= MAX_PAGES && /rel="next"/.test(response.headers.link ?? '')) {
      throw new Error(`the pull request has more than ${MAX_PAGES * 100} comments, too many to look for this step's`);
    }
  }
  return undefined;
}

export async function update(octokit: Octokit, target: Target, id: number, body: string): Promise<Written> {
  const { owner, repo } = target;
  const { data } = await octokit.rest.issues.updateComment({ owner, repo, comment_id: id, body });
  return { written: 'updated', url: data.html_url };
}

export interface CreateOptions {
  login: string;
  marker: string;
  body: string;
  retries: number;
  sleep: (ms: number) => Promise<void>;
  random: () => number;
}

/**
 * Creates the comment. A failed POST may have taken effect all the same, so
 * it is sent again only once listing again finds no comment of the step's.
 */
export async function create(octokit: Octokit, target: Target, c: CreateOptions): Promise<Written> {
  for (let attempt = 0; ; attempt++) {
    try {
      const { data } = await octokit.rest.issues.createComment({ ...target, body: c.body });
      return { written: 'created', url: data.html_url };
    } catch (error) {
      const wait = attempt < c.retries ? postRetryWait(error, attempt, c.random) : undefined;
      if (wait === undefined) throw error;
      await c.sleep(wait);
      const found = await findOwn(octokit, target, c.login, c.marker);
      if (found?.body === c.body) return { written: 'created', url: found.url };
      if (found) return await update(octokit, target, found.id, c.body);
    }
  }
}

function postRetryWait(error: unknown, attempt: number, random: () => number): number | undefined {
  const failure = failureOf(error);
  if (failure) {
    return failure.kind === 'timeout' || failure.kind === 'network' ? backoffDelay(attempt, random) : undefined;
  }
  const status = statusOf(error);
  if (status === undefined || !isObject(error) || !isObject(error.response)) return undefined;
  const headers = isObject(error.response.headers) ? error.response.headers : {};
  const get = (name: string) => {
    const value = headers[name];
    return typeof value === 'string' ? value : null;
  };
  return retryWait(status, { get }, attempt, random);
}
