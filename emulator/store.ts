/** The emulator's projects, as Avala would hold them. */
import { randomUUID } from 'node:crypto';
import { seedProjects, TASK_TYPES } from './seed.ts';

export interface StoredProject {
  uid: string;
  name: string;
  task_type: string;
  status: string;
  is_active: boolean;
  visibility: 'public' | 'private';
  is_imported: boolean;
  owner_name: string;
  short_description: string;
  industry_icon: string;
  /** Not part of the API's answers: creation order, and what a clone was made from. */
  created: number;
  source?: {
    template: string;
    image_dataset_uid?: string;
    lidar_dataset_uid?: string;
    slice_uid?: string;
    copy_collaborators: boolean;
  };
}

export type NewProject = Omit<StoredProject, 'created' | 'is_active' | 'is_imported' | 'industry_icon'> &
  Partial<StoredProject>;

export class Store {
  readonly projects = new Map<string, StoredProject>();
  #counter = 0;

  /** Back to the seeded projects only. */
  reset(): void {
    this.projects.clear();
    this.#counter = 0;
    for (const project of seedProjects()) this.add(project);
  }

  add(p: NewProject): StoredProject {
    const project: StoredProject = {
      is_imported: false,
      industry_icon: 'automotive',
      ...p,
      is_active: p.status === 'active',
      created: ++this.#counter,
    };
    this.projects.set(project.uid, project);
    return project;
  }

  /** Adds `count` projects to an owner, named `${prefix} 00001`…, for pagination and benchmarks. */
  addProjects(owner: string, count: number, prefix = 'Bulk'): void {
    for (let i = 1; i <= count; i++) {
      this.add({
        uid: randomUUID(),
        name: `${prefix} ${String(i).padStart(5, '0')}`,
        task_type: TASK_TYPES[i % TASK_TYPES.length] as string,
        status: 'active',
        visibility: 'private',
        owner_name: owner,
        short_description: '',
      });
    }
  }

  /** What only the platform does, such as completing a project. */
  setStatus(uid: string, status: string): void {
    const project = this.projects.get(uid);
    if (!project) throw new Error(`no project ${uid}`);
    project.status = status;
    project.is_active = status === 'active';
  }

  projectsOf(owner: string): StoredProject[] {
    return [...this.projects.values()].filter((p) => p.owner_name === owner);
  }
}

/** A project as the list returns it. */
export function full(p: StoredProject): Record<string, unknown> {
  const { created: _created, source: _source, ...fields } = p;
  return fields;
}

/** The shape the reference shows for clone, approve and the other status changes. */
export function brief(p: StoredProject): Record<string, unknown> {
  return {
    uid: p.uid,
    name: p.name,
    status: p.status,
    task_type: p.task_type,
    owner_name: p.owner_name,
    visibility: p.visibility,
  };
}
