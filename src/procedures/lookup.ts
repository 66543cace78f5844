/**
 * The owner's projects of many names at once (contract rules 28 and 35). With
 * `complete`, one listing of every page serves the lookups, the adoptions by
 * UID, the orphans and the template check. Otherwise the way is chosen by the
 * number of names: a few are looked up one by one; more are matched against one
 * listing, which stops once every name is found, and gives up for one-by-one
 * lookups as soon as it has cost as many pages as names remain unfound.
 */
import type { AvalaClient } from '../api/client.ts';
import { AvalaError } from '../api/errors.ts';
import type { Project } from '../api/types.ts';
import { stopsTheRun } from './batch.ts';

/** Up to this many names, one lookup each is never more than a listing would cost. */
const ONE_BY_ONE_UP_TO = 10;

/** The projects found by name, and the names whose lookup failed (each its own item's failure). */
export interface Lookups {
  found: Map<string, Project>;
  failed: Map<string, unknown>;
  /** Every project of the owner, when a complete listing was asked for and read to its end. */
  listed?: Project[];
  /** Why a complete listing that was asked for could not be read. */
  listingError?: unknown;
  /** The owner's listing or a lookup answered 404: no such owner, or no project this key may see. */
  ownerMissing: boolean;
}

/** Throws only a failure that every lookup would meet alike (a refused key, another origin). */
export async function findByNames(
  api: AvalaClient,
  owner: string,
  names: string[],
  options: { complete?: boolean } = {},
): Promise<Lookups> {
  const lookups: Lookups = { found: new Map(), failed: new Map(), ownerMissing: false };
  const wanted = new Set(names);
  if (options.complete || wanted.size > ONE_BY_ONE_UP_TO) {
    try {
      const listed = await matchListing(api, owner, wanted, lookups, options.complete === true);
      if (options.complete) lookups.listed = listed;
    } catch (error) {
      // A listing that broke off leaves its names to one lookup each, which may well succeed.
      if (stopsTheRun(error)) throw error;
      if (options.complete) lookups.listingError = error;
    }
  }
  const missing = () => {
    lookups.ownerMissing = true;
  };
  for (const name of wanted) {
    try {
      const project = await api.findByName(owner, name, missing);
      if (project) lookups.found.set(name, project);
    } catch (error) {
      if (stopsTheRun(error)) throw error;
      lookups.failed.set(name, error);
    }
  }
  return lookups;
}

/**
 * Moves every name the listing holds from `wanted` to `found`; what remains is
 * for one-by-one lookups. Returns every project read when the listing is complete.
 */
async function matchListing(
  api: AvalaClient,
  owner: string,
  wanted: Set<string>,
  lookups: Lookups,
  complete: boolean,
): Promise<Project[]> {
  const listed: Project[] = [];
  let pages = 0;
  try {
    for await (const page of api.pages(owner)) {
      pages += 1;
      if (complete) listed.push(...page);
      for (const project of page) {
        if (wanted.delete(project.name)) lookups.found.set(project.name, project);
      }
      if (!complete && (wanted.size === 0 || pages >= wanted.size)) return listed;
    }
  } catch (error) {
    // The first page's 404 means the owner has no projects this key may see: none of the names exists.
    if (error instanceof AvalaError && error.status === 404 && pages === 0) {
      lookups.ownerMissing = true;
      wanted.clear();
      return listed;
    }
    throw error;
  }
  // The listing ended: a name it did not hold does not exist.
  wanted.clear();
  return listed;
}
