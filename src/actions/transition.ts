import type { Transition } from '../api/types.ts';
import { parseUid, required } from '../inputs/validate.ts';
import { parseList } from '../inputs/values.ts';
import { runItems, summarizeItems } from '../procedures/batch.ts';
import { changeStatus, PAST, type TransitionOptions } from '../procedures/transition.ts';
import { type ActionSpec, type Common, dry } from './common.ts';

export type TransitionSettings = Common &
  Omit<TransitionOptions, 'project'> & {
    /** The projects to change, in input order, each once. */
    projects: string[];
  };

/** approve, pause, resume, cancel and archive: one status change on each project given. */
export function transitionAction(action: Transition): ActionSpec<TransitionSettings> {
  const title = (project: string, s: Common) => `Avala: ${action} project ${project}${dry(s)}`;
  return {
    inputs: ['project'],
    parse: (read, common) => {
      const given = parseList(required(read('project'), 'project', `the UID of the project to ${action}`));
      const projects = given.map((uid) => parseUid('project', uid, 'a project UID'));
      return { ...common, action, projects };
    },
    title: (s) =>
      s.projects.length === 1
        ? title(s.projects[0] as string, s)
        : `Avala: ${action} ${s.projects.length} projects${dry(s)}`,
    async run(s, api, report) {
      const items = s.projects.map((project) => ({
        input: project,
        datasetUid: null,
        title: title(project, s),
        run: () => changeStatus({ ...s, project }, api, report),
      }));
      return summarizeItems(
        await runItems(items, report),
        (c) =>
          `${PAST[action]} ${c.changed} of ${c.total} projects; ${c.total - c.failed - c.changed} were so already, ${c.failed} failed.`,
      );
    },
  };
}
