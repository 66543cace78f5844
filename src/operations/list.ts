import type { AvalaClient } from '../api/client.ts';
import type { OperationResult } from './result.ts';

/** What a list needs to know. */
export interface ListOptions {
  owner: string;
  name: string | undefined;
  ordering: string | undefined;
  /** Only projects in these statuses; undefined keeps every status. */
  statuses: ReadonlySet<string> | undefined;
  limit: number;
}

export async function list(s: ListOptions, api: AvalaClient): Promise<OperationResult> {
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
