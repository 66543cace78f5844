import type { AvalaClient } from '../api/client.ts';
import type { ListSettings } from '../settings.ts';
import type { OperationResult } from './result.ts';

export async function list(s: ListSettings, api: AvalaClient): Promise<OperationResult> {
  const projects = await api.listProjects(s.owner, {
    limit: s.limit,
    ...(s.name ? { name: s.name } : {}),
    ...(s.ordering ? { ordering: s.ordering } : {}),
  });
  const filter = s.name ? ` matching "${s.name}"` : '';
  const capped = projects.length === s.limit ? ` (the limit of ${s.limit})` : '';
  return {
    summary: `Listed ${projects.length} project${projects.length === 1 ? '' : 's'} of ${s.owner}${filter}${capped}.`,
    projects,
    ...(projects.length === 1 ? { project: projects[0] } : {}),
  };
}
