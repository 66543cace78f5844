/** Checks that responses have the shapes the action relies on; each throws a description of what is wrong. */
import { MalformedAnswer } from './errors.ts';
import { isObject, shorten } from './text.ts';
import { type Dataset, type Page, PROJECT_FIELDS, type Project } from './types.ts';

/**
 * A uid goes on a line of its own in `uids` and `created-uids`, and into request
 * paths: one with a newline or a space would add a line, and so a project, that
 * a later step acts on. Printable ASCII without spaces (0x21–0x7E) cannot.
 */
const ONE_TOKEN = /^[\x21-\x7e]+$/;

function checkUid(uid: unknown, what: 'project' | 'dataset'): string {
  if (typeof uid !== 'string' || uid === '') throw new TypeError(`the response is a ${what} without a uid`);
  if (ONE_TOKEN.test(uid)) return uid;
  throw new MalformedAnswer(
    `the response is a ${what} whose uid ${JSON.stringify(shorten(uid, 60))} is not one line of printable ASCII`,
  );
}

/**
 * A project in the one shape every output gives (contract rule 32): the
 * reference's ten fields, `null` for any the response left out, and nothing
 * else, whether it came from a clone, a status change or a listing.
 */
export function parseProject(json: unknown): Project {
  if (!isObject(json)) throw new TypeError('the response is not a project object');
  const uid = checkUid(json.uid, 'project');
  if (typeof json.name !== 'string') throw new TypeError(`project ${uid} has no name`);
  if (typeof json.status !== 'string') throw new TypeError(`project ${uid} has no status`);
  return Object.fromEntries(PROJECT_FIELDS.map((field) => [field, json[field] ?? null])) as unknown as Project;
}

export function parsePage(json: unknown): Page {
  if (!isObject(json) || !Array.isArray(json.results))
    throw new TypeError('the response is not a page of projects (no results array)');
  if (json.next !== null && json.next !== undefined && typeof json.next !== 'string')
    throw new TypeError('the page has an invalid next link');
  return { next: typeof json.next === 'string' ? json.next : null, results: json.results.map(parseProject) };
}

/** A dataset or slice: its uid goes into the clone's body, request paths and the results output. */
export function parseDataset(json: unknown): Dataset {
  if (!isObject(json)) throw new TypeError('the response is not a dataset object');
  checkUid(json.uid, 'dataset');
  return json as Dataset;
}
