/**
 * The emulator against the API reference, with raw fetch: if it drifted from
 * the reference, every other test would prove less.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { COMPLETED_PROJECT, KEYS, TEMPLATES } from '../emulator/seed.ts';
import { type Emulator, startEmulator } from '../emulator/server.ts';

let emu: Emulator;
beforeAll(async () => {
  emu = await startEmulator({ rateLimit: { limit: 1000, windowMs: 60_000 } });
});
afterAll(() => emu.close());
beforeEach(() => emu.reset());

async function call(method: string, path: string, key: string | null = KEYS.pro, body?: unknown) {
  const headers: Record<string, string> = key ? { 'X-Avala-Api-Key': key } : {};
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  const response = await fetch(`${emu.url}${path}`, {
    method,
    headers,
    redirect: 'manual',
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return {
    status: response.status,
    headers: response.headers,
    json: (await response.json()) as Record<string, unknown>,
  };
}

const STATUSES = ['pending-approval', 'active', 'paused', 'canceled', 'archived', 'completed'];
const ALLOWED: Record<string, [string[], string]> = {
  approve: [['pending-approval'], 'active'],
  pause: [['active'], 'paused'],
  resume: [['paused'], 'active'],
  cancel: [['active', 'paused'], 'canceled'],
  archive: [['completed', 'canceled'], 'archived'],
};

describe('emulator', () => {
  it('answers 401 with the documented body to a missing or wrong key', async () => {
    for (const key of [null, 'avk_wrong']) {
      const r = await call('GET', '/projects/acme/', key);
      expect(r).toMatchObject({ status: 401, json: { detail: 'Invalid API key.' } });
    }
  });

  it('follows the state machine for every action from every status', async () => {
    for (const [action, [from, to]] of Object.entries(ALLOWED)) {
      for (const status of STATUSES) {
        emu.setStatus(TEMPLATES.image, status);
        const r = await call('POST', `/projects/${TEMPLATES.image}/${action}/`);
        if (from.includes(status)) {
          expect(r.status, `${action} from ${status}`).toBe(200);
          expect(r.json).toEqual({
            uid: TEMPLATES.image,
            name: 'Template: image-annotation',
            status: to,
            task_type: 'image-annotation',
            owner_name: 'acme',
            visibility: 'private',
          });
        } else {
          expect(r.status, `${action} from ${status}`).toBe(400);
          expect(typeof r.json.detail).toBe('string');
        }
      }
    }
  });

  it('clones into pending-approval, refuses duplicates with 409, and validates the body', async () => {
    const body = { source_project_uid: TEMPLATES.video, name: 'E' };
    const created = await call('POST', '/projects/create-from-existing/', KEYS.pro, body);
    expect(created).toMatchObject({
      status: 201,
      json: { name: 'E', status: 'pending-approval', task_type: 'video-annotation' },
    });
    expect((await call('POST', '/projects/create-from-existing/', KEYS.pro, body)).status).toBe(409);
    expect((await call('POST', '/projects/create-from-existing/', KEYS.pro, { name: 'x' })).json).toEqual({
      source_project_uid: ['This field is required.'],
    });
    expect(
      (await call('POST', '/projects/create-from-existing/', KEYS.pro, { source_project_uid: TEMPLATES.video })).json,
    ).toEqual({
      detail: { name: ['This field is required.'] },
    });
    const both = { ...body, name: 'F', slice_uid: 's', image_dataset_uid: 'd' };
    expect((await call('POST', '/projects/create-from-existing/', KEYS.pro, both)).status).toBe(400);
    expect((await call('POST', '/projects/create-from-existing/', KEYS.coworker, { ...body, name: 'G' })).status).toBe(
      403,
    );
    expect(await call('GET', '/projects/create-from-existing/')).toMatchObject({
      status: 405,
      json: { detail: 'Method "GET" not allowed.' },
    });
  });

  it('answers plan and scope errors with their codes and doc links', async () => {
    const basic = await call('POST', '/projects/770a9600-a40d-63f6-c938-668877620000/approve/', KEYS.basic);
    expect(basic).toMatchObject({
      status: 403,
      json: { code: 'plan_insufficient', doc_url: expect.stringMatching(/^https:/) },
    });
    const scope = await call('POST', '/projects/770a9600-a40d-63f6-c938-668877610000/approve/', KEYS.noScope);
    expect(scope).toMatchObject({ status: 403, json: { code: 'scope_required' } });
    const other = await call('POST', `/projects/${TEMPLATES.image}/pause/`, KEYS.email);
    expect(other).toMatchObject({ status: 404, json: { detail: 'Not found.' } });
  });

  it('pages with cursors in absolute next links that carry every filter', async () => {
    emu.addProjects('acme', 230, 'Page');
    const first = await call('GET', '/projects/acme/?name=page&ordering=-name&limit=100');
    expect(first.json.previous).toBeNull();
    const next = new URL(first.json.next as string);
    expect(next.origin).toBe(emu.origin);
    expect(Object.fromEntries(next.searchParams)).toMatchObject({ name: 'page', ordering: '-name', limit: '100' });
    const names: string[] = [];
    let url: string | null = `${emu.url}/projects/acme/?name=page&ordering=-name&limit=100`;
    while (url) {
      const page = (await (await fetch(url, { headers: { 'X-Avala-Api-Key': KEYS.pro } })).json()) as {
        next: string | null;
        results: Array<{ name: string }>;
      };
      names.push(...page.results.map((p) => p.name));
      url = page.next;
    }
    expect(names).toHaveLength(230);
    expect(names[0]).toBe('Page 00230');
    expect((await call('GET', '/projects/acme/?cursor=bogus')).status).toBe(404);
    expect((await call('GET', '/projects/nobody/')).status).toBe(404);
  });

  it('shows another owner only their public projects', async () => {
    const r = await call('GET', '/projects/acme/', KEYS.email);
    expect((r.json.results as Array<{ visibility: string }>).map((p) => p.visibility)).toEqual(['public']);
    expect((await call('POST', `/projects/${COMPLETED_PROJECT}/archive/`, KEYS.email)).status).toBe(404);
  });

  it('sends X-RateLimit-* headers and a 429 with Retry-After past the limit', async () => {
    const limited = await startEmulator({ rateLimit: { limit: 2, windowMs: 60_000 } });
    try {
      const statuses: number[] = [];
      let last: Response | undefined;
      for (let i = 0; i < 3; i++) {
        last = await fetch(`${limited.url}/projects/acme/`, { headers: { 'X-Avala-Api-Key': KEYS.pro } });
        statuses.push(last.status);
        expect(last.headers.get('x-ratelimit-limit')).toBe('2');
        expect(Number(last.headers.get('x-ratelimit-reset'))).toBeGreaterThan(Date.now() / 1000);
        await last.text();
      }
      expect(statuses).toEqual([200, 200, 429]);
      expect(last?.headers.get('x-ratelimit-remaining')).toBe('0');
      expect(Number(last?.headers.get('retry-after'))).toBeGreaterThan(0);
    } finally {
      await limited.close();
    }
  });
});
