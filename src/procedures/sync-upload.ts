/**
 * Rule 36 in the plan and the apply: a directory whose dataset Avala lacks is
 * read from the checkout and planned `upload`, with its files and bytes; the
 * owner must show the key a project before anything is uploaded; the apply
 * uploads it, then it is created on like any dataset.
 */
import { join } from 'node:path';
import type { AvalaClient } from '../api/client.ts';
import { AvalaError } from '../api/errors.ts';
import type { Dataset } from '../api/types.ts';
import { type DirUpload, type UploadSettings, uploadDirectory } from '../upload/directory.ts';
import { UploadError } from '../upload/errors.ts';
import { type DirScan, scanDirectory } from '../upload/scan.ts';
import { decide } from './desired.ts';
import type { Lookups } from './lookup.ts';
import type { Step } from './sync-plan.ts';

export type { UploadSettings } from '../upload/directory.ts';

/** The directories Avala has no dataset for, read from the checkout: each an upload, or why it cannot be one. */
export function planUploads(steps: Step[], upload: UploadSettings | undefined): Step[] {
  if (!upload) return steps;
  const out: Step[] = [];
  for (const step of steps) {
    const { kind } = step.item;
    if (step.planned !== 'not-uploaded' || !kind) {
      out.push(step);
      continue;
    }
    const scan = scanDirectory(join(upload.workspace, step.item.input), step.item.input);
    const decision = decide('none', step.item.desired, kind.approve);
    const approve = decision.step === 'create' && decision.approve;
    if (scan.problem) {
      const error = new UploadError('upload-failed', `${scan.problem}: nothing of it is uploaded.`);
      out.push({ ...step, planned: 'failed', error });
    } else if (!kind.dataType) {
      const error = new UploadError('upload-failed', `${step.item.input}: no data-type says what to upload it as.`);
      out.push({ ...step, planned: 'failed', error });
    } else {
      out.push({ ...step, planned: 'upload', scan, approve });
    }
  }
  return out;
}

/**
 * Before any upload, the owner must show this key a project (rule 36): Avala
 * answers 404 for an owner that does not exist and for one whose projects the
 * key cannot see, and a typo must not upload a repository to the wrong place.
 */
export function ownerProblem(steps: readonly Step[], owner: string, lookups: Lookups): UploadError | undefined {
  if (!steps.some((step) => step.planned === 'upload')) return undefined;
  const refused = [...lookups.failed.values(), lookups.listingError].some(
    (error) => error instanceof AvalaError && error.status === 403,
  );
  if (!lookups.ownerMissing && !refused) return undefined;
  return new UploadError(
    'owner-not-found',
    `Avala answered ${refused ? 403 : 404} for ${owner}'s projects: no such owner, or no project of it that this key may see. Nothing was uploaded: check owner (the account that owns the template and the datasets) and that the key belongs to it.`,
  );
}

export function runUpload(
  step: Step,
  s: UploadSettings & { retries: number },
  api: AvalaClient,
  log: (message: string) => void,
): Promise<Dataset> {
  const { item } = step;
  const { owner, slug } = item.data.auto;
  // planUploads plans an upload only for a kind with a data type, and gives it its scan.
  const dataType = item.kind?.dataType as DirUpload['dataType'];
  return uploadDirectory({ dir: item.input, owner, slug, dataType, scan: step.scan as DirScan }, s, api, log);
}
