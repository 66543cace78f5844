/**
 * The actions the `action` input can name. Each entry says which inputs it
 * reads, how it parses them, its title and how it runs; the list of actions,
 * the "input not used" warnings and the dispatch all derive from here.
 */
import type { AvalaClient } from '../api/client.ts';
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
import type { Reporter } from '../operations/reporter.ts';
import type { OperationResult } from '../operations/result.ts';
import { type CloneSettings, cloneAction } from './clone.ts';
import { type ActionSpec, type Common, type ParseContext, parseCommon } from './common.ts';
import { type ListSettings, listAction } from './list.ts';
import { type TransitionSettings, transitionAction } from './transition.ts';

export type { Common, ParseContext } from './common.ts';
export type { CloneSettings, ListSettings, TransitionSettings };
export type Settings = CloneSettings | TransitionSettings | ListSettings;

/** An action with its settings parsed: what main runs. */
export interface Job {
  settings: Settings;
  title: string;
  run(api: AvalaClient, report: Reporter): Promise<OperationResult>;
}

interface Action {
  inputs: readonly InputName[];
  prepare(read: InputReader, common: Common, context: ParseContext): Promise<Job>;
}

/** Binds an action's settings type to its own title and run, so the registry can hold them side by side. */
function define<S extends Settings>(spec: ActionSpec<S>): Action {
  return {
    inputs: spec.inputs,
    async prepare(read, common, context) {
      const settings = await spec.parse(read, common, context);
      return { settings, title: spec.title(settings), run: (api, report) => spec.run(settings, api, report) };
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
} satisfies Record<string, Action>;

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
  const action: Action = REGISTRY[name];
  for (const input of INPUT_NAMES) {
    const spec: InputSpec = INPUTS[input];
    if (!usedBy(input).includes(name) && !spec.fromRunner && read(input) !== (spec.default ?? '')) {
      context.warn(`Input '${input}' is not used by action '${name}' and is ignored.`);
    }
  }
  return action.prepare(read, parseCommon(read, context.apiKey), context);
}

/** The settings alone, for tests and tools that only check inputs. */
export async function parseSettings(raw: RawReader, context: ParseContext): Promise<Settings> {
  return (await prepareJob(raw, context)).settings;
}
