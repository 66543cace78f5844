/**
 * pr-comment: the run's summary as one comment on the pull request, which
 * every later run of the same step edits. A comment that cannot be written is
 * one warning; it never fails the run.
 */
import type { FetchLike } from '../api/http-types.ts';
import { redact, shorten } from '../api/text.ts';
import { escapeLine } from './github.ts';
import { commentBody, commentMarker, headLine, readPullRequest } from './pr-comment-body.ts';
import { failureMessage } from './pr-comment-failure.ts';
import { guardedFetch } from './pr-comment-http.ts';
import { create, findOwn, ownLogin, type Target, update } from './pr-comment-octokit.ts';

export { commentMarker } from './pr-comment-body.ts';

export interface CommentOptions {
  env: NodeJS.ProcessEnv;
  /** The github-token input; without one, nothing is sent. */
  token: string;
  /** The comment's content below the marker and head-commit line, rendered to fit in at most maxChars characters. */
  render: (maxChars: number) => string;
  timeoutMs: number;
  retries: number;
  fetch: FetchLike;
  log: { info(message: string): void; warning(message: string, title?: string): void };
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
}

export interface CommentResult {
  written: 'created' | 'updated' | 'skipped';
  url?: string;
}

const TITLE = 'Avala pull-request comment not written';
const SKIPPED: CommentResult = { written: 'skipped' };

/** Never throws: whatever goes wrong is one warning. */
export async function writePullRequestComment(o: CommentOptions): Promise<CommentResult> {
  const warn = (message: string) => o.log.warning(redact(escapeLine(message), o.token), TITLE);
  try {
    const problem = await write(o);
    if (typeof problem !== 'string') return problem;
    warn(problem);
  } catch (error) {
    warn(`The pull-request comment was not written: ${error instanceof Error ? error.message : String(error)}.`);
  }
  return SKIPPED;
}

/** The comment written, or the warning that says why not. */
async function write(o: CommentOptions): Promise<CommentResult | string> {
  const event = o.env.GITHUB_EVENT_NAME ?? '';
  if (event !== 'pull_request') {
    const named = event ? `a ${shorten(event, 60)}` : 'an unnamed';
    const said = `pr-comment works on pull_request events only; this run is for ${named} event, so nothing is posted.`;
    // One step plans pull requests and applies pushes (mode: auto): a push without a comment is as it should be.
    if (['push', 'schedule', 'workflow_dispatch'].includes(event)) {
      o.log.info(escapeLine(said));
      return SKIPPED;
    }
    return said;
  }
  if (!o.token) {
    return "pr-comment needs github-token (the default, the workflow's own token, does with permissions: pull-requests: write).";
  }
  const pr = await readPullRequest(o.env.GITHUB_EVENT_PATH);
  if (typeof pr === 'string') return `The pull-request comment was not written: ${pr}.`;
  const repository = o.env.GITHUB_REPOSITORY ?? '';
  const [owner = '', repo = ''] = repository.split('/');
  if (!/^[\w.-]+\/[\w.-]+$/.test(repository)) {
    return 'The pull-request comment was not written: GITHUB_REPOSITORY names no repository.';
  }
  const api = apiUrl(o.env.GITHUB_API_URL);
  if (!api) {
    return 'The pull-request comment was not written: GITHUB_API_URL is not an https:// URL (http:// only for loopback).';
  }
  const marker = commentMarker(o.env);
  const body = commentBody(marker, headLine(o.env, pr.headSha), o.render);
  const sleep = o.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const random = o.random ?? Math.random;
  const retries = Number.isSafeInteger(o.retries) && o.retries > 0 ? o.retries : 0;
  const info = (message: string) => o.log.info(message);
  const fetch = guardedFetch({
    api,
    token: o.token,
    fetch: o.fetch,
    timeoutMs: o.timeoutMs,
    retries,
    info,
    sleep,
    random,
  });
  // Loaded here only: it costs a tenth of a second of start-up that a run without pr-comment need not pay.
  const { getOctokit } = await import('@actions/github');
  const quiet = () => undefined;
  const octokit = getOctokit(o.token, {
    baseUrl: api.href.replace(/\/+$/, ''),
    request: { fetch },
    // Octokit's own notes (a deprecated endpoint) are worth a line of the log, never a warning of their own.
    log: { debug: quiet, info: quiet, warn: (m: string) => o.log.info(escapeLine(redact(m, o.token))), error: quiet },
  });
  const target: Target = { owner, repo, issue_number: pr.number };
  try {
    const login = await ownLogin(octokit, o.token);
    const found = await findOwn(octokit, target, login, marker);
    if (found) return await update(octokit, target, found.id, body);
    return await create(octokit, target, { login, marker, body, retries, sleep, random });
  } catch (error) {
    return failureMessage(error, pr.fork);
  }
}

function apiUrl(value: string | undefined): URL | undefined {
  try {
    const url = new URL(value || 'https://api.github.com');
    const loopback = ['localhost', '127.0.0.1', '[::1]'].includes(url.hostname);
    const secure = url.protocol === 'https:' || (url.protocol === 'http:' && loopback);
    return secure && !url.username && !url.password && !url.search && !url.hash ? url : undefined;
  } catch {
    return undefined;
  }
}
