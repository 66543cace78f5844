/**
 * `mode` (rule 38): plan on pull requests, apply on the default branch. The
 * event payload is read for one thing, the repository's default branch; any
 * doubt makes a plan, since a plan changes nothing.
 */
import { readFileSync } from 'node:fs';
import type { InputReader } from '../inputs/inputs.ts';
import { parseBoolean, parseChoice } from '../inputs/validate.ts';

export const MODES = ['plan', 'apply', 'auto'] as const;

export interface ModeDecision {
  /** True when the run sends only reads: a plan. */
  plan: boolean;
  /** Why `auto` planned where it might have applied, for one notice; undefined when there is nothing to explain. */
  why?: string;
}

/** Bigger than any payload GitHub writes for the events `auto` applies on; more is not read. */
const MAX_EVENT_BYTES = 25 * 1024 * 1024;

export function resolveMode(read: InputReader, env: NodeJS.ProcessEnv): ModeDecision {
  const dryRun = parseBoolean('dry-run', read('dry-run'));
  const given = read('mode');
  const mode = given ? parseChoice('mode', given, MODES) : read('config') || read('dataset-dirs') ? 'auto' : 'apply';
  if (dryRun || mode === 'plan') return { plan: true };
  if (mode === 'apply') return { plan: false };
  const event = env.GITHUB_EVENT_NAME ?? '';
  if (event === 'pull_request' || event === 'pull_request_target') return { plan: true };
  if (event === 'schedule') return { plan: false };
  if (event === 'push' || event === 'workflow_dispatch') {
    const branch = defaultBranch(env.GITHUB_EVENT_PATH);
    if (!branch) return { plan: true, why: `mode auto plans: the event payload does not say the default branch` };
    if (env.GITHUB_REF === `refs/heads/${branch}`) return { plan: false };
    return { plan: true, why: `mode auto plans: ${env.GITHUB_REF || 'this ref'} is not the default branch ${branch}` };
  }
  return {
    plan: true,
    why: `mode auto plans on ${event ? `the ${event} event` : 'an unknown event'}; it applies on push and workflow_dispatch to the default branch, and on schedule`,
  };
}

function defaultBranch(path: string | undefined): string | undefined {
  if (!path) return undefined;
  try {
    const text = readFileSync(path, 'utf8');
    if (text.length > MAX_EVENT_BYTES) return undefined;
    const payload: unknown = JSON.parse(text);
    const branch = (payload as { repository?: { default_branch?: unknown } } | null)?.repository?.default_branch;
    return typeof branch === 'string' && branch !== '' ? branch : undefined;
  } catch {
    return undefined;
  }
}
