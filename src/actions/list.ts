import { optional, parseName, parseNumber, parseOrdering, parseOwner, required } from '../inputs/validate.ts';
import { type ListOptions, list } from '../operations/list.ts';
import { type ActionSpec, type Common, dry } from './common.ts';

export type ListSettings = Common & ListOptions & { action: 'list' };

export const listAction: ActionSpec<ListSettings> = {
  inputs: ['name', 'ordering', 'limit'],
  parse: (read, common) => ({
    ...common,
    action: 'list',
    owner:
      common.owner ??
      parseOwner('owner', required(read('owner'), 'owner', 'the name of the owner whose projects to list')),
    name: optional(read('name'), (v) => parseName('name', v)),
    ordering: optional(read('ordering'), (v) => parseOrdering('ordering', v)),
    limit: parseNumber('limit', read('limit'), { min: 1, max: 100_000, integer: true }),
  }),
  title: (s) => `Avala: list the projects of ${s.owner}${dry(s)}`,
  run: (s, api) => list(s, api),
};
