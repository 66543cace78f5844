export type ProjectStatus = 'pending-approval' | 'active' | 'paused' | 'canceled' | 'archived' | 'completed';

/** A project as the API returns it; fields beyond these are kept and passed on untouched. */
export interface Project {
  uid: string;
  name: string;
  status: string;
  task_type?: string;
  owner_name?: string;
  visibility?: string;
  [field: string]: unknown;
}

export interface Page {
  next: string | null;
  previous: string | null;
  results: Project[];
}

export type Transition = 'approve' | 'pause' | 'resume' | 'cancel' | 'archive';

/** The API's state machine: which statuses each call accepts and where it leads. */
export const TRANSITIONS: Readonly<Record<Transition, { from: readonly ProjectStatus[]; to: ProjectStatus }>> = {
  approve: { from: ['pending-approval'], to: 'active' },
  pause: { from: ['active'], to: 'paused' },
  resume: { from: ['paused'], to: 'active' },
  cancel: { from: ['active', 'paused'], to: 'canceled' },
  archive: { from: ['completed', 'canceled'], to: 'archived' },
};

/** The calls that may be made on a project in `status`. */
export function transitionsFrom(status: string): Transition[] {
  return (Object.keys(TRANSITIONS) as Transition[]).filter((t) =>
    (TRANSITIONS[t].from as readonly string[]).includes(status),
  );
}

export interface CloneRequest {
  source_project_uid: string;
  name: string;
  copy_collaborators: boolean;
  image_dataset_uid?: string;
  lidar_dataset_uid?: string;
  slice_uid?: string;
}

/** A dataset or slice as a step names it: by uid, or by its owner and slug. */
export type DatasetRef = { uid: string } | { owner: string; slug: string };

/** How a reference reads in messages and the results: as it was given. */
export function showRef(ref: DatasetRef): string {
  return 'uid' in ref ? ref.uid : `${ref.owner}/${ref.slug}`;
}

/** A dataset as the API returns it; only these fields are relied on. */
export interface Dataset {
  uid: string;
  slug?: string;
  status?: string;
  data_type?: string;
  [field: string]: unknown;
}

export const PROJECT_STATUSES: readonly ProjectStatus[] = [
  'pending-approval',
  'active',
  'paused',
  'canceled',
  'archived',
  'completed',
];
