/** Checks that answers have the shapes the action relies on; each throws a description of what is wrong. */
import { isObject } from './errors.ts';
import type { Dataset, Page, Project } from './types.ts';

/** Checks an answer is a project; throws a description of what is wrong. */
export function parseProject(json: unknown): Project {
  if (!isObject(json)) throw new TypeError('the answer is not a project object');
  if (typeof json.uid !== 'string' || json.uid === '') throw new TypeError('the answer is a project without a uid');
  if (typeof json.name !== 'string') throw new TypeError(`project ${json.uid} has no name`);
  if (typeof json.status !== 'string') throw new TypeError(`project ${json.uid} has no status`);
  return json as Project;
}

export function parsePage(json: unknown): Page {
  if (!isObject(json) || !Array.isArray(json.results))
    throw new TypeError('the answer is not a page of projects (no results array)');
  if (json.next !== null && json.next !== undefined && typeof json.next !== 'string')
    throw new TypeError('the page has an invalid next link');
  return {
    next: typeof json.next === 'string' ? json.next : null,
    previous: typeof json.previous === 'string' ? json.previous : null,
    results: json.results.map(parseProject),
  };
}

export function parseDataset(json: unknown): Dataset {
  if (!isObject(json)) throw new TypeError('the answer is not a dataset object');
  if (typeof json.uid !== 'string' || json.uid === '') throw new TypeError('the answer is a dataset without a uid');
  return json as Dataset;
}
