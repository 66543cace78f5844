/** Checks that responses have the shapes the action relies on; each throws a description of what is wrong. */
import { isObject } from './text.ts';
import { type Dataset, type Page, PROJECT_FIELDS, type Project } from './types.ts';

/**
 * A project in the one shape every output gives (contract rule 32): the
 * reference's ten fields, `null` for any the response left out, and nothing
 * else, whether it came from a clone, a status change or a listing.
 */
export function parseProject(json: unknown): Project {
  if (!isObject(json)) throw new TypeError('the response is not a project object');
  if (typeof json.uid !== 'string' || json.uid === '') throw new TypeError('the response is a project without a uid');
  if (typeof json.name !== 'string') throw new TypeError(`project ${json.uid} has no name`);
  if (typeof json.status !== 'string') throw new TypeError(`project ${json.uid} has no status`);
  return Object.fromEntries(PROJECT_FIELDS.map((field) => [field, json[field] ?? null])) as unknown as Project;
}

export function parsePage(json: unknown): Page {
  if (!isObject(json) || !Array.isArray(json.results))
    throw new TypeError('the response is not a page of projects (no results array)');
  if (json.next !== null && json.next !== undefined && typeof json.next !== 'string')
    throw new TypeError('the page has an invalid next link');
  return { next: typeof json.next === 'string' ? json.next : null, results: json.results.map(parseProject) };
}

export function parseDataset(json: unknown): Dataset {
  if (!isObject(json)) throw new TypeError('the response is not a dataset object');
  if (typeof json.uid !== 'string' || json.uid === '') throw new TypeError('the response is a dataset without a uid');
  return json as Dataset;
}
