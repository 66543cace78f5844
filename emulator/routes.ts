/** The API's routes: projects listed, cloned and moved through their states, as the reference says. */
import { randomUUID } from 'node:crypto';
import type { Datasets } from './datasets.ts';
import { ACCOUNTS, type Account } from './seed.ts';
import { brief, full, type Store, type StoredProject } from './store.ts';

export interface Reply {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
  /** The request's effect on a project, for faults that corrupt the answer. */
  acted?: boolean;
}

export const API = '/api/v1';
const STATES: Record<string, { from: string[]; to: string }> = {
  approve: { from: ['pending-approval'], to: 'active' },
  pause: { from: ['active'], to: 'paused' },
  resume: { from: ['paused'], to: 'active' },
  cancel: { from: ['active', 'paused'], to: 'canceled' },
  archive: { from: ['completed', 'canceled'], to: 'archived' },
};

export function accountFor(key: string | string[] | undefined): Account | undefined {
  return ACCOUNTS.find((a) => a.key === key);
}

export class Routes {
  readonly #store: Store;
  readonly #datasets: Datasets;

  constructor(store: Store, datasets: Datasets) {
    this.#store = store;
    this.#datasets = datasets;
  }

  /** The answer to one API request from an authenticated account. */
  route(account: Account, method: string, path: string, body: string, origin: string): Reply {
    const url = new URL(path, 'http://emulator');
    const data = url.pathname.match(/^\/api\/v1\/(datasets|slices)\/(.+)\/$/);
    if (data) {
      if (method !== 'GET') return notAllowed(method);
      try {
        return this.#datasets.route(account, data[1] as string, (data[2] as string).split('/').map(decodeURIComponent));
      } catch {
        return notFound();
      }
    }
    const prefix = `${API}/projects/`;
    if (!url.pathname.startsWith(prefix) || !url.pathname.endsWith('/')) return notFound();
    let segments: string[];
    try {
      segments = url.pathname.slice(prefix.length, -1).split('/').map(decodeURIComponent);
    } catch {
      return notFound();
    }

    if (segments.length === 1 && segments[0] === 'create-from-existing') {
      return method === 'POST' ? this.#clone(account, body) : notAllowed(method);
    }
    if (segments.length === 2 && (segments[1] as string) in STATES) {
      return method === 'POST'
        ? this.#transition(account, segments[0] as string, segments[1] as string)
        : notAllowed(method);
    }
    if (segments.length === 1 && segments[0]) {
      return method === 'GET' ? this.#list(account, segments[0], url, origin) : notAllowed(method);
    }
    return notFound();
  }

  #list(account: Account, owner: string, url: URL, origin: string): Reply {
    const visible = [...this.#store.projects.values()].filter(
      (p) =>
        p.owner_name === owner &&
        (p.owner_name === account.username || p.visibility === 'public' || account.role === 'staff'),
    );
    // The reference: 404 when the owner does not exist or has no visible projects.
    if (visible.length === 0) return notFound();

    const name = url.searchParams.get('name');
    // The reference does not say how the filter matches; a case-insensitive substring is the demanding reading.
    let results = name ? visible.filter((p) => p.name.toLowerCase().includes(name.toLowerCase())) : visible;
    results = order(results, url.searchParams.get('ordering'));

    const limitParam = Number(url.searchParams.get('limit'));
    const limit = Number.isInteger(limitParam) && limitParam > 0 ? Math.min(limitParam, 1000) : 100;
    let offset = 0;
    const cursor = url.searchParams.get('cursor');
    if (cursor !== null) {
      const decoded = decodeCursor(cursor);
      if (decoded === undefined) return { status: 404, body: { detail: 'Invalid cursor' } };
      offset = decoded;
    }
    const page = results.slice(offset, offset + limit);
    const link = (at: number) => {
      const next = new URL(`${origin}${url.pathname}${url.search}`);
      if (at === 0) next.searchParams.delete('cursor');
      else next.searchParams.set('cursor', encodeCursor(at));
      return next.href;
    };
    return {
      status: 200,
      body: {
        next: offset + limit < results.length ? link(offset + limit) : null,
        previous: offset > 0 ? link(Math.max(0, offset - limit)) : null,
        results: page.map(full),
      },
    };
  }

  #clone(account: Account, raw: string): Reply {
    let body: Record<string, unknown>;
    try {
      const parsed: unknown = JSON.parse(raw);
      if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new Error('not an object');
      body = parsed as Record<string, unknown>;
    } catch (error) {
      return { status: 400, body: { detail: `JSON parse error - ${(error as Error).message}` } };
    }
    if (account.role === 'coworker') return forbidden();
    // Both shapes of validation error occur at Avala: Django-style for the source, `detail` for the name.
    if (typeof body.source_project_uid !== 'string' || body.source_project_uid === '') {
      return { status: 400, body: { source_project_uid: ['This field is required.'] } };
    }
    const name = body.name;
    if (typeof name !== 'string' || name.trim() === '')
      return { status: 400, body: { detail: { name: ['This field is required.'] } } };
    if ([...name].length > 100) {
      return { status: 400, body: { detail: { name: ['Ensure this field has no more than 100 characters.'] } } };
    }
    if ('copy_collaborators' in body && typeof body.copy_collaborators !== 'boolean') {
      return { status: 400, body: { detail: { copy_collaborators: ['Must be a valid boolean.'] } } };
    }
    for (const field of ['image_dataset_uid', 'lidar_dataset_uid', 'slice_uid']) {
      if (field in body && (typeof body[field] !== 'string' || body[field] === '')) {
        return { status: 400, body: { detail: { [field]: ['Must be a valid UUID.'] } } };
      }
    }
    if (body.slice_uid && (body.image_dataset_uid || body.lidar_dataset_uid)) {
      return { status: 400, body: { non_field_errors: ['Attach a slice or datasets, not both.'] } };
    }
    const template = this.#store.projects.get(body.source_project_uid);
    if (!template || (template.owner_name !== account.username && template.visibility !== 'public')) return notFound();
    if ([...this.#store.projects.values()].some((p) => p.owner_name === account.username && p.name === name)) {
      return { status: 409, body: { detail: 'A project with this name already exists.' } };
    }
    const project = this.#store.add({
      uid: randomUUID(),
      name,
      task_type: template.task_type,
      status: 'pending-approval',
      visibility: 'private',
      owner_name: account.username,
      short_description: template.short_description,
      source: {
        template: template.uid,
        copy_collaborators: body.copy_collaborators !== false,
        ...pick(body, ['image_dataset_uid', 'lidar_dataset_uid', 'slice_uid']),
      },
    });
    return { status: 201, body: brief(project), acted: true };
  }

  #transition(account: Account, uid: string, action: string): Reply {
    const project = this.#store.projects.get(uid);
    if (!project || (project.owner_name !== account.username && account.role !== 'staff')) return notFound();
    const rule = STATES[action] as { from: string[]; to: string };
    if (action === 'approve') {
      if (!account.scopes.includes('projects.write')) {
        return {
          status: 403,
          body: {
            detail: 'API key is missing the projects.write scope.',
            code: 'scope_required',
            doc_url: 'https://docs.avala.ai/api/errors#scope_required',
          },
        };
      }
      if (account.plan === 'BASIC') {
        return {
          status: 403,
          body: {
            detail: 'Project approval requires a PRO or ENTERPRISE plan.',
            code: 'plan_insufficient',
            doc_url: 'https://docs.avala.ai/api/errors#plan_insufficient',
          },
        };
      }
      if (!rule.from.includes(project.status))
        return { status: 400, body: { detail: 'Project is not in pending-approval status.' } };
    } else if (!rule.from.includes(project.status)) {
      return { status: 400, body: { detail: `Cannot ${action} a project with status ${project.status}.` } };
    }
    this.#store.setStatus(uid, rule.to);
    return { status: 200, body: brief(project), acted: true };
  }
}

function pick(o: Record<string, unknown>, keys: string[]): Record<string, string> {
  return Object.fromEntries(keys.filter((k) => typeof o[k] === 'string').map((k) => [k, o[k] as string]));
}

const ORDER_FIELDS: Record<string, (p: StoredProject) => string | number> = {
  name: (p) => p.name,
  status: (p) => p.status,
  uid: (p) => p.uid,
  created_at: (p) => p.created,
};

/** DRF's OrderingFilter: known fields in the given order, unknown ones ignored; newest first by default. */
function order(projects: StoredProject[], ordering: string | null): StoredProject[] {
  const keys = (ordering ?? '')
    .split(',')
    .map((f) => f.trim())
    .filter((f) => ORDER_FIELDS[f.replace(/^-/, '')]);
  if (keys.length === 0) keys.push('-created_at');
  return [...projects].sort((a, b) => {
    for (const key of keys) {
      const get = ORDER_FIELDS[key.replace(/^-/, '')] as (p: StoredProject) => string | number;
      const x = get(a);
      const y = get(b);
      if (x !== y) return (x < y ? -1 : 1) * (key.startsWith('-') ? -1 : 1);
    }
    return 0;
  });
}

function encodeCursor(offset: number): string {
  return Buffer.from(`o=${offset}`).toString('base64url');
}

function decodeCursor(cursor: string): number | undefined {
  const match = Buffer.from(cursor, 'base64url')
    .toString('utf8')
    .match(/^o=(\d+)$/);
  return match ? Number(match[1]) : undefined;
}

export function notFound(): Reply {
  return { status: 404, body: { detail: 'Not found.' } };
}

function forbidden(): Reply {
  return { status: 403, body: { detail: 'You do not have permission to perform this action.' } };
}

function notAllowed(method: string): Reply {
  return { status: 405, body: { detail: `Method "${method}" not allowed.` } };
}
