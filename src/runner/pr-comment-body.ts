/** What the pull-request comment is about and says: the event's pull request, the step's marker, the text. */
import { readFile, stat } from 'node:fs/promises';
import { MAX_BODY_BYTES } from '../api/decode.ts';
import { isObject } from '../api/text.ts';

/** GitHub refuses a comment body longer than this many characters. */
export const MAX_COMMENT_CHARS = 65_536;

export interface PullRequest {
  number: number;
  /** Undefined when the event names none that looks like a commit. */
  headSha: string | undefined;
  /** From another repository: its workflow's token is read-only, whatever the workflow asks for. */
  fork: boolean;
}

/** The pull request the event payload names, or a sentence saying why there is none. */
export async function readPullRequest(path: string | undefined): Promise<PullRequest | string> {
  if (!path) return 'GITHUB_EVENT_PATH is not set, so the pull request is unknown';
  let payload: unknown;
  try {
    // Read only when small: the path comes from the environment, and an event payload is a few hundred kB.
    const file = await stat(path);
    if (!file.isFile()) return 'GITHUB_EVENT_PATH names no file';
    if (file.size > MAX_BODY_BYTES) return 'the event payload GITHUB_EVENT_PATH names is over 10 MB';
    payload = JSON.parse(await readFile(path, 'utf8'));
  } catch (error) {
    return `the event payload GITHUB_EVENT_PATH names cannot be read: ${error instanceof Error ? error.message : error}`;
  }
  const pr = isObject(payload) && isObject(payload.pull_request) ? payload.pull_request : undefined;
  const number = pr?.number;
  if (!pr || typeof number !== 'number' || !Number.isSafeInteger(number) || number < 1) {
    return 'the event payload names no pull request';
  }
  const head = isObject(pr.head) ? pr.head : {};
  const base = isObject(pr.base) ? pr.base : {};
  const sha = typeof head.sha === 'string' && /^[0-9a-f]{40}(?:[0-9a-f]{24})?$/.test(head.sha) ? head.sha : undefined;
  const headRepo = isObject(head.repo) ? head.repo.full_name : undefined;
  const baseRepo = isObject(base.repo) ? base.repo.full_name : undefined;
  // A fork deleted since the pull request was opened leaves head.repo null.
  const fork = typeof headRepo !== 'string' || headRepo !== baseRepo;
  return { number, headSha: sha, fork };
}

/**
 * The hidden first line of a step's comment, by which its later runs find it
 * again. Names are percent-encoded outside a plain set of characters, so no
 * name can end the HTML comment (`-->`, `--!>`), open another, or end a quote.
 */
export function commentMarker(env: NodeJS.ProcessEnv): string {
  const part = (value: string | undefined) => encodePart(value ?? '');
  return `<!-- avala-projects-action pr-comment workflow="${part(env.GITHUB_WORKFLOW)}" job="${part(env.GITHUB_JOB)}" step="${part(env.GITHUB_ACTION)}" -->`;
}

const PLAIN = /^[A-Za-z0-9 _.,:;/()[\]@+=~#'*-]$/u;

function encodePart(value: string): string {
  const encoder = new TextEncoder();
  let out = '';
  // By code point; a lone surrogate is encoded as U+FFFD, so the result is always well formed.
  for (const char of value) {
    if (PLAIN.test(char)) out += char;
    else for (const byte of encoder.encode(char)) out += `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

/** The line under the marker: the head commit the run was for, and a link to the run. */
export function headLine(env: NodeJS.ProcessEnv, headSha: string | undefined): string {
  const commit = headSha ? `head commit \`${headSha.slice(0, 7)}\`` : 'an unknown head commit';
  const run = runUrl(env);
  return `For ${commit}${run ? ` · [workflow run](${run})` : ''}`;
}

function runUrl(env: NodeJS.ProcessEnv): string | undefined {
  const { GITHUB_SERVER_URL: server = 'https://github.com', GITHUB_REPOSITORY: repo, GITHUB_RUN_ID: id } = env;
  if (!repo || !/^[\w.-]+\/[\w.-]+$/.test(repo) || !id || !/^\d{1,20}$/.test(id)) return undefined;
  let url: URL;
  try {
    url = new URL(server);
  } catch {
    return undefined;
  }
  // Only a plain web address goes into the link: nothing that could end the Markdown link or hide credentials.
  if (!/^https?:$/.test(url.protocol) || url.username || url.password || url.search || url.hash) return undefined;
  if (/[\s()<>]/.test(url.href)) return undefined;
  return `${url.href.replace(/\/+$/, '')}/${repo}/actions/runs/${id}`;
}

/** The whole comment: marker, head line, then the content, cut if it would not fit GitHub's limit. */
export function commentBody(marker: string, head: string, render: (maxChars: number) => string): string {
  const top = `${marker}\n${head}\n\n`;
  const room = MAX_COMMENT_CHARS - top.length;
  const content = render(room);
  return top + (content.length > room ? cut(content, room) : content);
}

const CUT_NOTE = "\n\n… (cut to fit GitHub's limit of 65,536 characters for a comment)";

function cut(text: string, max: number): string {
  let end = Math.max(0, max - CUT_NOTE.length);
  // Never between the halves of a surrogate pair.
  const code = text.charCodeAt(end - 1);
  if (code >= 0xd800 && code <= 0xdbff) end--;
  return text.slice(0, end) + CUT_NOTE;
}
