import type { Project } from '../api/types.ts';

/** What a procedure did, for the outputs and the job summary. */
export interface ProcedureResult {
  /** One sentence for the log and the summary: what was done. */
  summary: string;
  project?: Project;
  projects?: Project[];
  created?: boolean;
  changed?: boolean;
  /** The UID of the dataset or slice a clone attached. */
  datasetUid?: string;
  /** One entry per item asked for, in input order: every action but list. */
  items?: ItemResult[];
  /** dataset-dirs: the directories whose dataset Avala does not have yet. */
  missingDatasets?: string[];
  /** upload: the directories whose dataset this run created. */
  uploadedDatasets?: string[];
  /** config: the orphans (rule 35), reported and never changed; undefined when none were looked for. */
  orphans?: Project[];
  /** The plan's lines beneath its first sentence: stops, starts, the rest as counts, the orphans. */
  lines?: Line[];
}

/** A line for a person: prose, with names from the API or the repository kept apart so they show as code. */
export type Line = Array<string | { code: string }>;

/** What a plan would do with a dataset (contract rules 30 and 38), changes first: stops, then starts. */
export const PLANNED_KINDS = [
  'pause',
  'cancel',
  'archive',
  'create',
  'approve',
  'resume',
  'upload',
  'not-uploaded',
  'failed',
  'skip',
  'exists',
] as const;
export type Planned = (typeof PLANNED_KINDS)[number];

/** What became of one item (a dataset to clone onto, a project to change). */
export interface ItemResult {
  /** The value asked for, as given: a dataset reference or a project UID; '' for a clone without data. */
  input: string;
  /** The UID of the item's dataset or slice, once known. */
  datasetUid: string | null;
  /** One sentence: what was done. */
  summary?: string;
  project?: Project;
  created?: boolean;
  changed?: boolean;
  /** Why the item failed; undefined when it succeeded. */
  error?: unknown;
  /** This run uploaded the item's directory and created its dataset. */
  uploaded?: boolean;
  /** In a dry run of dataset-dirs, what the item would do. */
  planned?: Planned;
  /** With planned, the project it would make or change, for the reader: its name, whether it is approved, why it is skipped. */
  plan?: { name: string; approve: boolean; reason?: string };
}

/**
 * A failure after part of the work was done (a project created, then its approve
 * refused): the error says what failed, the result what later steps can still use.
 */
export class PartialFailure extends Error {
  override readonly name = 'PartialFailure';
  readonly result: ProcedureResult;

  constructor(cause: unknown, result: ProcedureResult) {
    super(cause instanceof Error ? cause.message : String(cause), { cause });
    this.result = result;
  }
}

/** A project as the log and messages name it: `"Batch 7" (uid, status)`. */
export function describeProject(p: Project): string {
  return `"${p.name}" (${p.uid}, ${p.status})`;
}
