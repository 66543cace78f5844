import type { AvalaClient } from '../api/client.ts';
import { InputError } from '../inputs/errors.ts';
import { API_KEY_ENV, type InputName, type InputReader } from '../inputs/inputs.ts';
import { optional, parseBaseUrl, parseBoolean, parseNumber, parseOwner } from '../inputs/validate.ts';
import type { Reporter } from '../procedures/reporter.ts';
import type { ProcedureResult } from '../procedures/result.ts';
import { resolveMode } from './mode.ts';

/** Where a workflow run comes from: `owner/repo` and the commit, when the runner says. */
export interface WorkflowContext {
  repository: string | undefined;
  sha: string | undefined;
  /** The checkout (GITHUB_WORKSPACE), where dataset-dirs finds the datasets. */
  workspace?: string | undefined;
}

/** The settings every action has: where and how to send requests. */
export interface Common {
  apiKey: string;
  baseUrl: URL;
  timeoutMs: number;
  retries: number;
  /** A plan: only reads are sent (`dry-run`, or `mode` as the event makes it). */
  dryRun: boolean;
  /** Why `mode: auto` planned where it might have applied: said once as a notice. */
  modeWhy?: string;
  owner: string | undefined;
  /** Post the summary as a pull-request comment too. */
  prComment: boolean;
}

export interface ParseContext {
  apiKey: string;
  warn: (message: string) => void;
  /** Where the run comes from: default names, the {repo} and {sha} placeholders, the checkout. */
  workflow: WorkflowContext;
  /** The runner's environment, where `mode: auto` reads the event. */
  env?: NodeJS.ProcessEnv;
}

/**
 * One action: the inputs it reads beside the common ones, how it turns them
 * into settings, how the log and summary name a run, and how it runs.
 */
export interface ActionSpec<S> {
  inputs: readonly InputName[];
  parse(read: InputReader, common: Common, context: ParseContext): Promise<S> | S;
  title(settings: S): string;
  run(settings: S, api: AvalaClient, report: Reporter): Promise<ProcedureResult>;
}

export function parseCommon(read: InputReader, apiKey: string, env: NodeJS.ProcessEnv = {}): Common {
  const mode = resolveMode(read, env);
  return {
    apiKey: parseApiKey(apiKey),
    baseUrl: parseBaseUrl('base-url', read('base-url')),
    ...requestBounds(read),
    dryRun: mode.plan,
    ...(mode.why ? { modeWhy: mode.why } : {}),
    owner: optional(read('owner'), (v) => parseOwner('owner', v)),
    prComment: parseBoolean('pr-comment', read('pr-comment')),
  };
}

/** How long one request may take, and how often a failed one is tried again: Avala's and GitHub's alike. */
export function requestBounds(read: InputReader): Pick<Common, 'timeoutMs' | 'retries'> {
  return {
    timeoutMs: parseNumber('timeout', read('timeout'), { min: 0, max: 600, integer: false }) * 1000,
    retries: parseNumber('retries', read('retries'), { min: 0, max: 10, integer: true }),
  };
}

function parseApiKey(value: string): string {
  if (value === '') {
    throw new InputError(
      'api-key',
      `Missing api-key: set the api-key input (from a secret) or the ${API_KEY_ENV} environment variable.`,
    );
  }
  // The key travels in a header: refuse what a header cannot carry, without echoing it.
  if (!/^[\x21-\x7e]+$/.test(value)) {
    throw new InputError(
      'api-key',
      'Invalid api-key: it contains white space or characters other than printable ASCII.',
    );
  }
  return value;
}

/** ` (dry run)` after a title when nothing will be changed. */
export function dry(s: Common): string {
  return s.dryRun ? ' (dry run)' : '';
}
