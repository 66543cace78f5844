import type { Transition } from '../api/types.ts';
import { parseUid, required } from '../inputs/validate.ts';
import { changeStatus, type TransitionOptions } from '../operations/transition.ts';
import { type ActionSpec, type Common, dry } from './common.ts';

export type TransitionSettings = Common & TransitionOptions;

/** approve, pause, resume, cancel and archive: one status change on one project. */
export function transitionAction(action: Transition): ActionSpec<TransitionSettings> {
  return {
    inputs: ['project'],
    parse: (read, common) => {
      const project = parseUid(
        'project',
        required(read('project'), 'project', `the UID of the project to ${action}`),
        'a project UID',
      );
      return { ...common, action, project };
    },
    title: (s) => `Avala: ${s.action} project ${s.project}${dry(s)}`,
    run: changeStatus,
  };
}
