/**
 * The owner's projects of many names at once (contract rule 28). The API says
 * nothing of how many projects an owner has, so the way is chosen by the number
 * of names: a few are looked up one by one; more are matched against one
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
}

/** Throws only a failure that every lookup would meet alike (a refused key, another origin). */
export async function findByNames(api: AvalaClient, owner: string, names: string[]): Promise<Lookups> {
  const lookups: Lookups = { found: new Map(), failed: new Map() };
  const wanted = new Set(names);
  if (wanted.size > ONE_BY_ONE_UP_TO) {
    try {
      await matchListing(api, owner, wanted, lookups.found);
    } catch (error) {
      // A listing that broke off leaves its names to one lookup each, which may well succeed.
      if (stopsTheRun(error)) throw error;
    }
  }
  for (const name of wanted) {
    try {
      const project = await api.findByName(owner, name);
      if (project) lookups.found.set(name, project);
    } catch (error) {
      if (stopsTheRun(error)) throw error;
      lookups.failed.set(name, error);
    }
  }
  return lookups;
}

/** Moves every name the listing holds from `wanted` to `found`; what remains is for one-by-one lookups. */
async function matchListing(
  api: AvalaClient,
  owner: string,
  wanted: Set<string>,
  found: Map<string, Project>,
): Promise<void> {
  let pages = 0;
  try {
    for await (const page of api.pages(owner)) {
      pages += 1;
      for (const project of page) {
        if (wanted.delete(project.name)) found.set(project.name, project);
      }
      if (wanted.size === 0 || pages >= wanted.size) return;
    }
  } catch (error) {
    // The first page's 404 means the owner has no projects yet: none of the names exists.
    if (error instanceof AvalaError && error.status === 404 && pages === 0) {
      wanted.clear();
      return;
    }
    throw error;
  }
  // The listing ended: a name it did not hold does not exist.
  wanted.clear();
}
