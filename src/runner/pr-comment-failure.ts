/** A comment that could not be written, said as one warning: what failed, in GitHub's words, and what to do. */
import { isObject, shorten } from '../api/text.ts';
import { GitHubFailure } from './pr-comment-http.ts';

/** The failure the guarded fetch threw, whether octokit passed it on or wrapped it. */
export function failureOf(error: unknown): GitHubFailure | undefined {
  if (error instanceof GitHubFailure) return error;
  return isObject(error) && error.cause instanceof GitHubFailure ? error.cause : undefined;
}

/** The status of the response octokit refused (octokit gives its own 500 to a failed fetch: not that one). */
export function statusOf(error: unknown): number | undefined {
  if (failureOf(error) !== undefined || !isObject(error)) return undefined;
  return typeof error.status === 'number' ? error.status : undefined;
}

export function failureMessage(error: unknown, fork: boolean): string {
  const status = statusOf(error);
  const why = describe(error, status);
  if (fork) return `Comments are skipped on pull requests from forks, whose token is read-only: ${why}.`;
  const advice =
    status === 401
      ? ': github-token was refused'
      : status === 403 || status === 404
        ? ': github-token must be able to write pull-request comments (permissions: pull-requests: write)'
        : '';
  return `The pull-request comment was not written: ${why}${advice}.`;
}

function describe(error: unknown, status: number | undefined): string {
  const failure = failureOf(error);
  if (failure) return failure.message;
  const text = error instanceof Error ? error.message : String(error);
  if (status === undefined || !isObject(error) || !isObject(error.request)) return text;
  const { method, url } = error.request;
  // A proxy's error page is HTML: its text alone, on one line, and not all of it.
  const said = shorten(
    text
      .replace(/<[^>]*>/g, ' ')
      .replace(/\s+/g, ' ')
      .trim(),
    300,
  );
  return `GitHub responded ${status} to ${String(method)} ${pathOf(url)}${said ? `: ${said}` : ''}`;
}

function pathOf(url: unknown): string {
  try {
    return new URL(String(url)).pathname;
  } catch {
    return 'GitHub';
  }
}
