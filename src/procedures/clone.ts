import type { AvalaClient } from '../api/client.ts';
import { AvalaError } from '../api/errors.ts';
import type { CloneRequest, Dataset, DatasetRef, Project } from '../api/types.ts';
import { ActionError } from '../errors.ts';
import type { Attachments } from './datasets.ts';
import type { Reporter } from './reporter.ts';
import { describeProject, PartialFailure, type ProcedureResult } from './result.ts';
import { transition } from './transition.ts';
import { type Readiness, resolveAttachments } from './wait.ts';

/** What one clone needs to know: one project from the template, on these datasets. */
export interface CloneOptions {
  template: string;
  data: Attachments;
  /** How long to wait for each dataset to be ready; 0 does not wait. */
  waitMs: number;
  name: string;
  copyCollaborators: boolean;
  approve: boolean;
  ifExists: 'reuse' | 'fail';
  owner: string | undefined;
  dryRun: boolean;
  sleep?: (ms: number) => Promise<void>;
  now?: () => number;
  /** The owner's project of this name when already looked up: null when there is none. */
  existing?: Project | null;
  /** The dataset of `data.auto`, when already read. */
  dataset?: Dataset;
  /** The datasets this clone attaches, when waited for together with others' (rule 40). */
  waited?: Readiness['waited'];
}

class AlreadyExistsError extends ActionError {
  override readonly name = 'AlreadyExistsError';

  constructor(message: string) {
    super('already-exists', message);
  }
}

/** The clone body exactly as the API expects it: the dataset fields only when given. */
async function cloneBody(s: CloneOptions, api: AvalaClient, report: Reporter): Promise<CloneRequest> {
  const data = await resolveAttachments(s.data, api, report, s, s.dataset);
  return { source_project_uid: s.template, name: s.name, copy_collaborators: s.copyCollaborators, ...data };
}

export async function clone(s: CloneOptions, api: AvalaClient, report: Reporter): Promise<ProcedureResult> {
  const existing = s.existing !== undefined ? s.existing : s.owner ? await api.findByName(s.owner, s.name) : undefined;
  let project: Project;
  let created = false;
  let body: CloneRequest | undefined;

  if (existing) {
    project = reuse(s, existing, report);
  } else if (s.dryRun) {
    body = await cloneBody(s, api, report);
    report.info(`Dry run: would send POST ${pathOf(api.cloneUrl())} ${JSON.stringify(body)}`);
    return {
      summary: `Dry run: would clone template ${s.template} as "${s.name}"${s.approve ? ' and approve it' : ''}.`,
      created: false,
      changed: false,
      ...uidOf(body),
    };
  } else {
    body = await cloneBody(s, api, report);
    ({ project, created } = await createOnce(s, body, api, report));
  }

  let approved = false;
  if (s.approve) {
    if (project.status !== 'pending-approval') {
      // What a re-run finds done is an info line: annotations are for what needs a person.
      report.info(`Project ${describeProject(project)} is ${project.status}, not pending-approval: not approving it.`);
    } else if (s.dryRun) {
      report.info(`Dry run: would send POST ${pathOf(api.transitionUrl(project.uid, 'approve'))}`);
    } else {
      try {
        const outcome = await transition(api, project.uid, 'approve', s.owner, report, 'info');
        project = outcome.project;
        approved = outcome.changed;
      } catch (error) {
        const advised =
          error instanceof AvalaError
            ? error.withAdvice(
                `Project ${describeProject(project)} was ${created ? 'created' : 'found'} but not approved`,
              )
            : error;
        // The project exists either way: later steps (a cleanup, a report) need its uid.
        throw new PartialFailure(advised, {
          summary: advised instanceof Error ? advised.message : '',
          project,
          created,
          changed: created,
        });
      }
    }
  }

  const what = created ? 'Created' : 'Reused';
  return {
    summary: `${what} project ${describeProject(project)} from template ${s.template}${approved ? ' and approved it' : ''}.`,
    project,
    created,
    changed: created || approved,
    ...uidOf(body),
  };
}

function uidOf(body: CloneRequest | undefined): { datasetUid?: string } {
  const uid = body && (body.image_dataset_uid ?? body.lidar_dataset_uid ?? body.slice_uid);
  return uid ? { datasetUid: uid } : {};
}

/**
 * Sends the clone. When an attempt's outcome is unknown, a clone with `owner`
 * looks the name up before trying again; one without is never sent twice.
 */
async function createOnce(
  s: CloneOptions,
  body: CloneRequest,
  api: AvalaClient,
  report: Reporter,
): Promise<{ project: Project; created: boolean }> {
  const { owner } = s;
  const recover = owner
    ? async () => {
        const found = await api.findByName(owner, s.name);
        return found ? { done: found } : ('retry' as const);
      }
    : undefined;
  try {
    const project = await api.clone(body, recover);
    if (owner && project.owner_name && project.owner_name !== owner) {
      report.warning(
        `Project ${project.uid} belongs to ${project.owner_name}, not to owner ${owner}: a re-run will not find it. Set owner to ${project.owner_name}.`,
      );
    }
    return { project, created: true };
  } catch (error) {
    // 409: the name was taken between the lookup and the clone, by a concurrent run of the same step.
    const found = error instanceof AvalaError && error.status === 409 && owner && (await api.findByName(owner, s.name));
    if (found) return { project: reuse(s, found, report, ' (made by a concurrent run)'), created: false };
    if (error instanceof AvalaError && error.status === 404) throw error.withAdvice(notFoundAdvice(s, body));
    if (error instanceof AvalaError && error.outcomeUnknown) {
      throw error.withAdvice(
        owner
          ? `The project may have been created: look for "${s.name}" among ${owner}'s projects before running again`
          : `The project may have been created: look for "${s.name}" in Avala before running again, or set owner so that a re-run finds it instead of cloning again`,
      );
    }
    throw error;
  }
}

/** A 404 from create-from-existing: the template, when every dataset was read just before and so exists. */
function notFoundAdvice(s: CloneOptions, body: CloneRequest): string {
  const data = body.image_dataset_uid ?? body.lidar_dataset_uid ?? body.slice_uid;
  const { image, lidar, slice } = s.data;
  const read = (ref: DatasetRef | undefined, waited: boolean) => !ref || !('uid' in ref) || waited;
  const wait = s.waitMs > 0;
  if (!data) return `Avala has no template ${s.template} that this key can see`;
  if (read(image, wait) && read(lidar, wait) && read(slice, false)) {
    return `Avala has no template ${s.template} that this key can see (dataset ${data} exists: it was read just before)`;
  }
  return `Avala has no template ${s.template}, or no dataset or slice ${data}, that this key can see`;
}

/** The owner's project of this name, as `if-exists` says to treat it. */
function reuse(s: CloneOptions, existing: Project, report: Reporter, why = ''): Project {
  if (s.ifExists === 'fail') {
    throw new AlreadyExistsError(
      `Project "${s.name}" already exists for owner ${s.owner}${why} (uid ${existing.uid}, ${existing.status}), and if-exists is fail.`,
    );
  }
  report.info(
    `Reusing project ${describeProject(existing)} of owner ${s.owner}${why}: a project of that name exists already.`,
  );
  return existing;
}

function pathOf(url: URL): string {
  return url.pathname + url.search;
}
