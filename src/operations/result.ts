import type { Project } from '../api/types.ts';

/** What an operation did, for the outputs and the job summary. */
export interface OperationResult {
  /** One sentence for the log and the summary: what was done. */
  summary: string;
  project?: Project;
  projects?: Project[];
  created?: boolean;
  changed?: boolean;
}

/** A project as the log and messages name it: `"Batch 7" (uid, status)`. */
export function describeProject(p: Project): string {
  return `"${p.name}" (${p.uid}, ${p.status})`;
}
