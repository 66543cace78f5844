import * as core from '@actions/core';
import type { Transition } from './api/types.ts';
import { API_KEY_ENV, DEFAULT_BASE_URL, Inputs } from './constants.ts';

export const ACTIONS = ['clone', 'approve', 'pause', 'resume', 'cancel', 'archive', 'list'] as const;
export type Action = (typeof ACTIONS)[number];

interface Common {
  apiKey: string;
  baseUrl: URL;
  timeoutMs: number;
  retries: number;
  dryRun: boolean;
  owner: string | undefined;
}

export interface CloneSettings extends Common {
  action: 'clone';
  template: string;
  dataset: string | undefined;
  lidarDataset: string | undefined;
  slice: string | undefined;
  name: string;
  copyCollaborators: boolean;
  approve: boolean;
  ifExists: 'reuse' | 'fail';
}

export interface TransitionSettings extends Common {
  action: Transition;
  project: string;
}

export interface ListSettings extends Common {
  action: 'list';
  owner: string;
  name: string | undefined;
  ordering: string | undefined;
  limit: number;
}

export type Settings = CloneSettings | TransitionSettings | ListSettings;

/** A bad input: the step fails with this one line, before any request. */
export class InputError extends Error {
  override readonly name = 'InputError';
  readonly input: string;

  constructor(input: string, message: string) {
    super(message);
    this.input = input;
  }
}

/** Reads an input by name; '' when it is not set. */
export type InputReader = (name: string) => string;

/** Inputs that only some actions use: a value given to another action is ignored with a warning. */
const USED_BY: Partial<Record<string, readonly Action[]>> = {
  [Inputs.Template]: ['clone'],
  [Inputs.Dataset]: ['clone'],
  [Inputs.LidarDataset]: ['clone'],
  [Inputs.Slice]: ['clone'],
  [Inputs.Name]: ['clone', 'list'],
  [Inputs.Project]: ['approve', 'pause', 'resume', 'cancel', 'archive'],
  [Inputs.Ordering]: ['list'],
};

/** Reads the action's inputs as the runner passes them, masking the key first. */
export async function readSettings(): Promise<Settings> {
  const read: InputReader = (name) => core.getInput(name);
  const apiKey = read(Inputs.ApiKey) || (process.env[API_KEY_ENV] ?? '').trim();
  // Masked before anything else can print it, including a message about a bad input.
  if (apiKey) core.setSecret(apiKey);
  return parseSettings(read, { apiKey, warn: core.warning, defaultName: defaultCloneName });
}

export interface ParseContext {
  apiKey: string;
  warn: (message: string) => void;
  /** The clone name to use when none is given; may throw an InputError. */
  defaultName: () => Promise<string>;
}

/** Turns raw inputs into settings, or throws an InputError naming the first bad input. */
export async function parseSettings(read: InputReader, context: ParseContext): Promise<Settings> {
  const action = parseAction(read(Inputs.Action));
  for (const [input, users] of Object.entries(USED_BY)) {
    if (users && !users.includes(action) && read(input) !== '') {
      context.warn(`Input '${input}' is not used by action '${action}' and is ignored.`);
    }
  }
  const common: Common = {
    apiKey: parseApiKey(context.apiKey),
    baseUrl: parseBaseUrl(read(Inputs.BaseUrl) || DEFAULT_BASE_URL),
    timeoutMs: parseNumber(Inputs.Timeout, read(Inputs.Timeout) || '30', { min: 0, max: 600, integer: false }) * 1000,
    retries: parseNumber(Inputs.Retries, read(Inputs.Retries) || '3', { min: 0, max: 10, integer: true }),
    dryRun: parseBoolean(Inputs.DryRun, read(Inputs.DryRun) || 'false'),
    owner: optional(read(Inputs.Owner), (v) => parseOwner(Inputs.Owner, v)),
  };

  if (action === 'clone') {
    const dataset = optional(read(Inputs.Dataset), (v) => parseUid(Inputs.Dataset, v, 'a dataset UID'));
    const lidarDataset = optional(read(Inputs.LidarDataset), (v) => parseUid(Inputs.LidarDataset, v, 'a dataset UID'));
    const slice = optional(read(Inputs.Slice), (v) => parseUid(Inputs.Slice, v, 'a slice UID'));
    if (slice && (dataset || lidarDataset)) {
      throw new InputError(
        Inputs.Slice,
        `Invalid ${Inputs.Slice}: it cannot be combined with ${Inputs.Dataset} or ${Inputs.LidarDataset}. Give a slice or datasets, not both.`,
      );
    }
    const template = parseUid(
      Inputs.Template,
      required(read, Inputs.Template, 'the UID of the template project to clone'),
      'a project UID',
    );
    const copyCollaborators = parseBoolean(Inputs.CopyCollaborators, read(Inputs.CopyCollaborators) || 'true');
    const approve = parseBoolean(Inputs.Approve, read(Inputs.Approve) || 'false');
    const ifExists = parseChoice(Inputs.IfExists, read(Inputs.IfExists) || 'reuse', ['reuse', 'fail'] as const);
    if (ifExists === 'fail' && !common.owner) {
      context.warn(
        `Input '${Inputs.IfExists}: fail' needs '${Inputs.Owner}' to look the name up; without it the API refuses a duplicate name (409).`,
      );
    }
    const givenName = read(Inputs.Name);
    const name = parseName(Inputs.Name, givenName || (await context.defaultName()));
    return { ...common, action, template, dataset, lidarDataset, slice, name, copyCollaborators, approve, ifExists };
  }

  if (action === 'list') {
    const owner =
      common.owner ??
      parseOwner(Inputs.Owner, required(read, Inputs.Owner, 'the name of the owner whose projects to list'));
    return {
      ...common,
      action,
      owner,
      name: optional(read(Inputs.Name), (v) => parseName(Inputs.Name, v)),
      ordering: optional(read(Inputs.Ordering), parseOrdering),
      limit: parseNumber(Inputs.Limit, read(Inputs.Limit) || '100', { min: 1, max: 100_000, integer: true }),
    };
  }

  const project = parseUid(
    Inputs.Project,
    required(read, Inputs.Project, `the UID of the project to ${action}`),
    'a project UID',
  );
  return { ...common, action, project };
}

function parseAction(value: string): Action {
  return parseChoice(Inputs.Action, value || 'clone', ACTIONS);
}

function required(read: InputReader, input: string, what: string): string {
  const value = read(input);
  if (value === '') throw new InputError(input, `Missing ${input}: expected ${what}.`);
  return value;
}

function optional<T>(value: string, parse: (value: string) => T): T | undefined {
  return value === '' ? undefined : parse(value);
}

/** Quotes a value for a message: escapes control characters, keeps it short. */
export function show(value: string): string {
  const chars = [...value];
  return JSON.stringify(chars.length > 60 ? `${chars.slice(0, 57).join('')}...` : value);
}

function parseChoice<const T extends readonly string[]>(input: string, value: string, choices: T): T[number] {
  if ((choices as readonly string[]).includes(value)) return value;
  throw new InputError(input, `Invalid ${input} ${show(value)}. Expected one of: ${choices.join(', ')}.`);
}

function parseApiKey(value: string): string {
  if (value === '') {
    throw new InputError(
      Inputs.ApiKey,
      `Missing ${Inputs.ApiKey}: set the ${Inputs.ApiKey} input (from a secret) or the ${API_KEY_ENV} environment variable.`,
    );
  }
  // The key travels in a header: refuse what a header cannot carry, without echoing it.
  if (!/^[\x21-\x7e]+$/.test(value)) {
    throw new InputError(
      Inputs.ApiKey,
      `Invalid ${Inputs.ApiKey}: it contains white space or characters other than printable ASCII.`,
    );
  }
  return value;
}

const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

export function parseBaseUrl(value: string): URL {
  const expected =
    'Expected an https:// URL such as https://api.avala.ai/api/v1 (http:// only for localhost, 127.0.0.1 or [::1]).';
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new InputError(Inputs.BaseUrl, `Invalid ${Inputs.BaseUrl} ${show(value)}. ${expected}`);
  }
  // Never echo a URL that carries credentials: that would print them.
  if (url.username || url.password) {
    throw new InputError(
      Inputs.BaseUrl,
      `Invalid ${Inputs.BaseUrl}: it must not carry credentials (user:password@); the API key goes in ${Inputs.ApiKey}.`,
    );
  }
  const secure = url.protocol === 'https:' || (url.protocol === 'http:' && LOOPBACK_HOSTS.has(url.hostname));
  if (!secure) throw new InputError(Inputs.BaseUrl, `Invalid ${Inputs.BaseUrl} ${show(value)}. ${expected}`);
  if (url.search || url.hash) {
    throw new InputError(
      Inputs.BaseUrl,
      `Invalid ${Inputs.BaseUrl} ${show(value)}: it must not have a query or fragment.`,
    );
  }
  url.pathname = url.pathname.replace(/\/+$/, '');
  return url;
}

/** UIDs as the API documents them (8-4-4-4-12, letters and digits) and no character that could change a path. */
const UID = /^[A-Za-z0-9](?:[A-Za-z0-9_-]{0,98}[A-Za-z0-9])?$/;

export function parseUid(input: string, value: string, what: string): string {
  if (UID.test(value)) return value;
  throw new InputError(
    input,
    `Invalid ${input} ${show(value)}. Expected ${what} such as 770a9600-a40d-63f6-c938-668877660000 (letters, digits and hyphens).`,
  );
}

/** Usernames and e-mail addresses; no '/', '?', '#', '%', white space or '..' that could change the path. */
const OWNER = /^[A-Za-z0-9_+@-][A-Za-z0-9._+@-]{0,149}$/;

export function parseOwner(input: string, value: string): string {
  if (OWNER.test(value) && !value.includes('..')) return value;
  throw new InputError(
    input,
    `Invalid ${input} ${show(value)}. Expected a username or e-mail address (letters, digits and . _ + @ -).`,
  );
}

export function parseName(input: string, value: string): string {
  const length = [...value].length;
  if (length < 1 || length > 100) {
    throw new InputError(input, `Invalid ${input} ${show(value)}. Expected 1 to 100 characters, got ${length}.`);
  }
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what this rejects.
  if (/[\u0000-\u001f\u007f-\u009f]/.test(value)) {
    throw new InputError(input, `Invalid ${input} ${show(value)}. Expected no control characters (newlines, tabs).`);
  }
  return value;
}

function parseOrdering(value: string): string {
  if (/^-?[A-Za-z_][A-Za-z0-9_]*(,-?[A-Za-z_][A-Za-z0-9_]*)*$/.test(value)) return value;
  throw new InputError(
    Inputs.Ordering,
    `Invalid ${Inputs.Ordering} ${show(value)}. Expected field names separated by commas, each optionally preceded by '-', such as -name.`,
  );
}

export function parseBoolean(input: string, value: string): boolean {
  // The YAML 1.2 core schema, as core.getBooleanInput reads it.
  if (['true', 'True', 'TRUE'].includes(value)) return true;
  if (['false', 'False', 'FALSE'].includes(value)) return false;
  throw new InputError(input, `Invalid ${input} ${show(value)}. Expected true or false.`);
}

export function parseNumber(
  input: string,
  value: string,
  range: { min: number; max: number; integer: boolean },
): number {
  const pattern = range.integer ? /^\d+$/ : /^\d+(\.\d+)?$/;
  const number = Number(value);
  const inRange = range.integer ? number >= range.min : number > range.min;
  if (pattern.test(value) && inRange && number <= range.max) return number;
  const expected = range.integer
    ? `a whole number from ${range.min} to ${range.max}`
    : `a number greater than ${range.min} and at most ${range.max}`;
  throw new InputError(input, `Invalid ${input} ${show(value)}. Expected ${expected}.`);
}

/** `<repository>-<short sha>` from the workflow's context, fitted into the 100 characters a name may have. */
export async function defaultCloneName(): Promise<string> {
  if (!process.env.GITHUB_REPOSITORY || !process.env.GITHUB_SHA) {
    throw new InputError(
      Inputs.Name,
      `Missing ${Inputs.Name}: expected a project name, since there is no workflow context (GITHUB_REPOSITORY, GITHUB_SHA) to derive one from.`,
    );
  }
  // Loaded here only: the workflow context costs start-up time that other runs need not pay.
  const { context } = await import('@actions/github');
  const sha = context.sha.slice(0, 7);
  return `${context.repo.repo.slice(0, 100 - sha.length - 1)}-${sha}`;
}
