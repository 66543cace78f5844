/** list: an owner's projects, filtered by name and status, as many as limit asks for. */
import type { AvalaClient } from '../api/client.ts';
import { PROJECT_STATUSES } from '../api/types.ts';
import { InputError, show } from '../inputs/errors.ts';
import { optional, parseName, parseNumber, parseOrdering, parseOwner, required } from '../inputs/validate.ts';
import { parseList } from '../inputs/values.ts';
import type { ProcedureResult } from '../procedures/result.ts';
import { type ActionSpec, type Common, dry } from './common.ts';

export type ListSettings = Common & ListOptions & { action: 'list' };

export const listAction: ActionSpec<ListSettings> = {
  inputs: ['name', 'ordering', 'status', 'limit'],
  parse: (read, common) => ({
    ...common,
    action: 'list',
    owner:
      common.owner ??
      parseOwner('owner', required(read('owner'), 'owner', 'the name of the owner whose projects to list')),
    name: optional(read('name'), (v) => parseName('name', v)),
    ordering: optional(read('ordering'), (v) => parseOrdering('ordering', v)),
    statuses: optional(read('status'), parseStatuses),
    limit: parseNumber('limit', read('limit'), { min: 1, max: 100_000, integer: true }),
  }),
  title: (s) => `Avala: list the projects of ${s.owner}${dry(s)}`,
  run: (s, api, report) => report.group(listAction.title(s), () => list(s, api)),
};

function parseStatuses(value: string): ReadonlySet<string> {
  const statuses = parseList(value);
  const unknown = statuses.find((status) => !(PROJECT_STATUSES as readonly string[]).includes(status));
  if (unknown !== undefined) {
    throw new InputError(
      'status',
      `Invalid status ${show(unknown)}. Expected statuses among: ${PROJECT_STATUSES.join(', ')}.`,
    );
  }
  return new Set(statuses);
}

/** What a list needs to know. */
export interface ListOptions {
  owner: string;
  name: string | undefined;
  ordering: string | undefined;
  /** Only projects in these statuses; undefined keeps every status. */
  statuses: ReadonlySet<string> | undefined;
  limit: number;
}

export async function list(s: ListOptions, api: AvalaClient): Promise<ProcedureResult> {
  const projects = await api.listProjects(s.owner, {
    limit: s.limit,
    ...(s.name ? { name: s.name } : {}),
    ...(s.ordering ? { ordering: s.ordering } : {}),
    ...(s.statuses ? { statuses: s.statuses } : {}),
  });
  const named = s.name ? ` matching "${s.name}"` : '';
  const filter = s.statuses ? `${named} in status ${[...s.statuses].join(' or ')}` : named;
  const capped = projects.length === s.limit ? ` (the limit of ${s.limit})` : '';
  return {
    summary: `Listed ${projects.length} project${projects.length === 1 ? '' : 's'} of ${s.owner}${filter}${capped}.`,
    projects,
    ...(projects.length === 1 ? { project: projects[0] } : {}),
  };
}
