export type ProjectStatus = 'pending-approval' | 'active' | 'paused' | 'canceled' | 'archived' | 'completed';

/** A project as every output gives it: the reference's fields, null where the response left one out. */
export interface Project {
  uid: string;
  name: string;
  status: string;
  task_type: string | null;
  is_active: boolean | null;
  visibility: string | null;
  is_imported: boolean | null;
  owner_name: string | null;
  short_description: string | null;
  industry_icon: string | null;
}

/** The fields of a project in the projects reference (the seed), in its order. */
export const PROJECT_FIELDS = [
  'uid',
  'name',
  'task_type',
  'status',
  'is_active',
  'visibility',
  'is_imported',
  'owner_name',
  'short_description',
  'industry_icon',
] as const satisfies readonly (keyof Project)[];

export interface Page {
  next: string | null;
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
