/**
 * Every input the action reads, described once: its name and the default that
 * action.yml declares (a test keeps the two in step). Which actions use an
 * input is said by the actions themselves, in the registry.
 */
export interface InputSpec {
  /** What the input is when the runner passes nothing: action.yml's default. */
  default?: string;
  /** action.yml's default is an expression the runner fills in for every action: never warned about as unused. */
  fromRunner?: true;
  /** Where the input must be given, as README's Required column says it: 'users' for every action that reads it. */
  requiredBy?: string;
}

export const INPUTS = {
  action: { default: 'clone' },
  'api-key': { requiredBy: 'yes, or AVALA_API_KEY' },
  'base-url': { default: 'https://api.avala.ai/api/v1' },
  template: { requiredBy: 'users' },
  dataset: {},
  'lidar-dataset': {},
  slice: {},
  'dataset-dirs': {},
  // No default in action.yml, so that a given cap can be told from none: the code's default is 20.
  'max-new-projects': {},
  'max-stops': {},
  upload: { default: 'false' },
  'data-type': {},
  config: {},
  mode: {},
  'pr-comment': { default: 'false' },
  // action.yml's default is the expression ${{ github.token }}, which only the runner fills in, for every action.
  'github-token': { fromRunner: true },
  'wait-for-dataset': { default: '0' },
  name: {},
  'copy-collaborators': { default: 'true' },
  approve: { default: 'false' },
  project: { requiredBy: 'users' },
  owner: { requiredBy: 'list; clone with dataset-dirs' },
  'if-exists': { default: 'reuse' },
  ordering: {},
  status: {},
  limit: { default: '100' },
  timeout: { default: '30' },
  retries: { default: '3' },
  'dry-run': { default: 'false' },
} as const satisfies Record<string, InputSpec>;

export type InputName = keyof typeof INPUTS;

export const INPUT_NAMES = Object.keys(INPUTS) as InputName[];

/** The inputs every action reads. */
export const COMMON_INPUTS: readonly InputName[] = [
  'action',
  'api-key',
  'base-url',
  'owner',
  'timeout',
  'retries',
  'dry-run',
  'mode',
  'pr-comment',
  'github-token',
];

/** The environment variable that holds the key when `api-key` is empty. */
export const API_KEY_ENV = 'AVALA_API_KEY';

/** Reads an input's raw value by name; '' when it is not set. */
export type RawReader = (name: string) => string;

/** Reads an input, with its default from INPUTS when the runner passes none (local runs, other runners). */
export type InputReader = (name: InputName) => string;

export function withDefaults(raw: RawReader): InputReader {
  return (name) => {
    const spec: InputSpec = INPUTS[name];
    return raw(name) || spec.default || '';
  };
}
