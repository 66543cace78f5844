/**
 * What Avala holds for a plan: every item's project, by name or adopted UID,
 * from one listing that also serves the orphans and the template check, and
 * the dataset of each item that needs one made.
 */
import type { AvalaClient } from '../api/client.ts';
import type { Project } from '../api/types.ts';
import { describeFailure } from '../errors.ts';
import { stopsTheRun } from './batch.ts';
import { DatasetError, findDataset } from './datasets.ts';
import { findByNames, type Lookups } from './lookup.ts';
import type { Reporter } from './reporter.ts';
import { type Found, needsDataset, PlanError, type Step, type SyncItem } from './sync-plan.ts';

/** What reading needs of the job. */
export interface HoldingsOptions {
  owner: string;
  items: SyncItem[];
  orphanSlug?: ((name: string) => string | undefined) | undefined;
}

export interface Held {
  lookups: Lookups;
  found: Found[];
}

/** What Avala holds for every item: its project by name or adopted UID, and, where one is to be made, its dataset. */
export async function readHoldings(s: HoldingsOptions, api: AvalaClient, report: Reporter): Promise<Held> {
  const lookups = await findByNames(
    api,
    s.owner,
    s.items.filter((item) => !item.adopt).map((item) => item.name),
    // Orphans and adoptions need every page; the same listing then serves every lookup and the template check.
    { complete: s.orphanSlug !== undefined || s.items.some((item) => item.adopt) },
  );
  if (lookups.listingError !== undefined) {
    report.warning(
      `${s.owner}'s projects could not be listed (${describeFailure(lookups.listingError).message}): the orphans are unknown, and each project was looked up by name instead.`,
      'Avala orphans unknown',
    );
  }
  const byUid = new Map((lookups.listed ?? []).map((p) => [p.uid.toLowerCase(), p]));
  const found: Found[] = [];
  for (const item of s.items) {
    const one: Found = item.adopt
      ? lookups.listed
        ? { project: byUid.get(item.adopt.toLowerCase()) }
        : { error: lookups.listingError }
      : lookups.failed.has(item.name)
        ? { error: lookups.failed.get(item.name) }
        : { project: lookups.found.get(item.name) };
    if (needsDataset(item, one)) {
      try {
        one.dataset = { read: await findDataset(api, item.data.auto) };
      } catch (error) {
        if (stopsTheRun(error)) throw error;
        one.dataset = error instanceof DatasetError && error.errorCode === 'dataset-not-found' ? 'missing' : { error };
      }
    }
    found.push(one);
  }
  return { lookups, found: oneDatasetEach(s.items, found) };
}

/**
 * A project belongs to one dataset: where a name and an adoption, or two
 * adoptions, reach one project, every item that reaches it fails before
 * anything is sent, or it could be approved twice, or paused then canceled.
 */
function oneDatasetEach(items: readonly SyncItem[], found: Found[]): Found[] {
  const holders = new Map<string, number[]>();
  found.forEach((f, i) => {
    const uid = f.project?.uid.toLowerCase();
    if (uid !== undefined) holders.set(uid, [...(holders.get(uid) ?? []), i]);
  });
  const out = [...found];
  for (const [, at] of holders) {
    if (at.length < 2) continue;
    const inputs = at.map((i) => items[i]?.input ?? '');
    const uid = found[at[0] as number]?.project?.uid ?? '';
    for (const i of at) {
      out[i] = {
        error: new PlanError(
          'invalid-input',
          `${inputs.map((input) => JSON.stringify(input)).join(' and ')} all reach project ${uid}: a project belongs to one dataset, so nothing is sent for them. Remove the projects entry that adopts it, or give the dataset another directory name.`,
        ),
      };
    }
  }
  return out;
}

/** Rule 35: projects the name pattern made for a dataset that no directory, entry or adoption names. */
export function findOrphans(s: HoldingsOptions, listed: readonly Project[], steps: readonly Step[]): Project[] {
  const slugs = new Set(s.items.map((item) => item.data.auto.slug));
  const owned = new Set(steps.flatMap((step) => (step.project ? [step.project.uid.toLowerCase()] : [])));
  return listed.filter((p) => {
    const slug = s.orphanSlug?.(p.name);
    return slug !== undefined && !slugs.has(slug) && !owned.has(p.uid.toLowerCase());
  });
}

/** Rule 38: each kind's template should be among the owner's projects, or every create would fail. */
export function checkTemplates(s: HoldingsOptions, lookups: Lookups, report: Reporter): void {
  if (!lookups.listed || lookups.ownerMissing) return;
  const uids = new Set(lookups.listed.map((p) => p.uid.toLowerCase()));
  const templates = new Set(s.items.flatMap((item) => (item.kind ? [item.kind.template] : [])));
  for (const template of templates) {
    if (uids.has(template.toLowerCase())) continue;
    report.warning(
      `Template ${template} is not among ${s.owner}'s projects: if it is a typo, every create from it will fail. Check the template UID.`,
      'Avala template not found',
    );
  }
}
