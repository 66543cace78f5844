/**
 * The actions the `action` input can name. Each entry says which inputs it
 * reads, how it parses them, its title and how it runs; the list of actions,
 * the "input not used" warnings and the dispatch all derive from here.
 */
import type { AvalaClient } from '../api/client.ts';
import { InputError } from '../inputs/errors.ts';
import {
  COMMON_INPUTS,
  INPUT_NAMES,
  INPUTS,
  type InputName,
  type InputReader,
  type InputSpec,
  type RawReader,
  withDefaults,
} from '../inputs/inputs.ts';
import { parseChoice } from '../inputs/validate.ts';
import type { Reporter } from '../procedures/reporter.ts';
import type { ProcedureResult } from '../procedures/result.ts';
import { cloneAction } from './clone.ts';
import { type ActionSpec, type Common, type ParseContext, parseCommon } from './common.ts';
import { listAction } from './list.ts';
import { transitionAction } from './transition.ts';

export type { Common, ParseContext } from './common.ts';

/** Any action's settings: the union of what the registry's actions parse, derived from it. */
export type Settings = { [K in ActionName]: (typeof REGISTRY)[K] extends Action<infer S> ? S : never }[ActionName];

/** An action with its settings parsed: what main runs. */
export interface Job {
  settings: Settings;
  title: string;
  run(api: AvalaClient, report: Reporter): Promise<ProcedureResult>;
}

interface Action<S> {
  inputs: readonly InputName[];
  prepare(read: InputReader, common: Common, context: ParseContext): Promise<Job>;
  /** Never set: carries the settings type, so that Settings derives from the registry. */
  readonly settings?: S;
}

/** Binds an action's settings type to its own title and run, so the registry can hold them side by side. */
function define<S extends Common & { action: string }>(spec: ActionSpec<S>): Action<S> {
  return {
    inputs: spec.inputs,
    async prepare(read, common, context) {
      const settings = await spec.parse(read, common, context);
      return {
        settings: settings as unknown as Settings,
        title: spec.title(settings),
        run: (api, report) => spec.run(settings, api, report),
      };
    },
  };
}

const REGISTRY = {
  clone: define(cloneAction),
  approve: define(transitionAction('approve')),
  pause: define(transitionAction('pause')),
  resume: define(transitionAction('resume')),
  cancel: define(transitionAction('cancel')),
  archive: define(transitionAction('archive')),
  list: define(listAction),
} satisfies Record<string, Action<unknown>>;

export type ActionName = keyof typeof REGISTRY;
export const ACTIONS = Object.keys(REGISTRY) as ActionName[];

/** The actions that read an input: every action for the common ones. */
export function usedBy(input: InputName): ActionName[] {
  return COMMON_INPUTS.includes(input) ? ACTIONS : ACTIONS.filter((a) => REGISTRY[a].inputs.includes(input));
}

/** Turns inputs into a job, or throws an InputError naming the first bad input. */
export async function prepareJob(raw: RawReader, context: ParseContext): Promise<Job> {
  const read = withDefaults(raw);
  const name = parseChoice('action', read('action'), ACTIONS);
  const action: Action<unknown> = REGISTRY[name];
  if (read('config') && name !== 'clone') {
    throw new InputError(
      'action',
      `Invalid action '${name}': config says what Avala should hold and works with clone only; a status change goes in the file's projects.`,
    );
  }
  for (const input of INPUT_NAMES) {
    const spec: InputSpec = INPUTS[input];
    if (!usedBy(input).includes(name) && !spec.fromRunner && read(input) !== (spec.default ?? '')) {
      context.warn(`Input '${input}' is not used by action '${name}' and is ignored.`);
    }
  }
  return action.prepare(read, parseCommon(read, context.apiKey, context.env), context);
}

/** The settings alone, for tests and tools that only check inputs. */
export async function parseSettings(raw: RawReader, context: ParseContext): Promise<Settings> {
  return (await prepareJob(raw, context)).settings;
}
