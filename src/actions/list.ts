import { PROJECT_STATUSES } from '../api/types.ts';
import { InputError, show } from '../inputs/errors.ts';
import { optional, parseName, parseNumber, parseOrdering, parseOwner, required } from '../inputs/validate.ts';
import { parseList } from '../inputs/values.ts';
import { type ListOptions, list } from '../operations/list.ts';
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
