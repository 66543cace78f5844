/** The API client and its HTTP layer against the emulator, in process: no mocks, real sockets. */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { KEYS, TEMPLATES } from '../emulator/seed.ts';
import { type Emulator, startEmulator } from '../emulator/server.ts';
import { AvalaClient } from '../src/api/client.ts';
import type { AvalaError } from '../src/api/errors.ts';
import { HttpClient, type HttpOptions } from '../src/api/http.ts';

let emu: Emulator;
beforeAll(async () => {
  emu = await startEmulator({ rateLimit: false });
});
afterAll(() => emu.close());
beforeEach(() => emu.reset());

interface Harness {
  api: AvalaClient;
  http: HttpClient;
  waits: number[];
  logs: string[];
}

function client(options: Partial<HttpOptions> = {}): Harness {
  const waits: number[] = [];
  const logs: string[] = [];
  const http = new HttpClient({
    baseUrl: new URL(emu.url),
    apiKey: KEYS.pro,
    userAgent: 'test-agent/1',
    timeoutMs: 5000,
    retries: 3,
    log: {
      info: (m) => logs.push(m),
      debug: (m) => logs.push(`debug: ${m}`),
    },
    // Waits are recorded, not slept: the client's timing decisions are what is under test here.
    sleep: async (ms) => {
      waits.push(ms);
    },
    random: () => 0.5,
    ...options,
  });
  return { api: new AvalaClient(http), http, waits, logs };
}

const failure = (promise: Promise<unknown>) =>
  promise.then(
    () => {
      throw new Error('expected a failure');
    },
    (e: unknown) => e as AvalaError,
  );

describe('AvalaClient', () => {
  it('reads every page up to the limit, following next as given', async () => {
    emu.addProjects('acme', 320);
    const { api } = client();
    const projects = await api.listProjects('acme', { limit: 1000, ordering: 'name' });
    expect(projects).toHaveLength(320 + 6);
    expect(new Set(projects.map((p) => p.uid)).size).toBe(projects.length);
    expect(emu.calls('GET')).toHaveLength(4);
    expect(new Set(emu.calls('GET').map((r) => r.connection)).size).toBe(1);
  });

  it('asks for no more than the limit when it is below a page', async () => {
    const { api } = client();
    const projects = await api.listProjects('acme', { limit: 2 });
    expect(projects).toHaveLength(2);
    expect(emu.calls('GET')[0]?.path).toBe('/api/v1/projects/acme/?limit=2');
  });

  it('finds a project by exact name although the API filter matches more', async () => {
    emu.addProjects('acme', 150, 'Batch 1');
    const { api } = client();
    expect(await api.findByName('acme', 'Batch 1')).toBeUndefined();
    expect(emu.calls('GET')).toHaveLength(2);
    expect((await api.findByName('acme', 'Batch 1 00150'))?.name).toBe('Batch 1 00150');
  });

  it('treats an owner without visible projects (404) as no match when looking up', async () => {
    const { api } = client();
    expect(await api.findByName('nobody', 'x')).toBeUndefined();
    expect(await api.findByUid('nobody', TEMPLATES.image)).toBeUndefined();
    const listed = await failure(api.listProjects('nobody', { limit: 10 }));
    expect(listed.status).toBe(404);
  });

  it('stops when a page links back to one already read', async () => {
    emu.addProjects('acme', 150);
    emu.inject({ method: 'GET', times: 5, fault: { kind: 'repeat-next' } });
    const { api } = client();
    const e = await failure(api.listProjects('acme', { limit: 1000 }));
    expect(e.message).toBe(
      'Avala API responded 200: the page links back to a page already read (next repeats) (GET /api/v1/projects/acme/?limit=100)',
    );
    expect(emu.calls('GET')).toHaveLength(1);
  });

  it('a name lookup meeting endless non-matching pages stops after 1,000, as bad-response', async () => {
    // In process with sleeps recorded: the 20-a-second pace would make these 1,000 pages take 50 s.
    emu.inject({ method: 'GET', times: 5000, fault: { kind: 'endless-pages', empty: false } });
    const e = await failure(client().api.findByName('acme', 'Nowhere'));
    expect(e.errorCode).toBe('bad-response');
    expect(e.message).toContain('more pages than the 1000 this request can need');
    expect(emu.calls('GET')).toHaveLength(1000);
  });

  it('percent-encodes owners in the path', async () => {
    const { api } = client({ apiKey: KEYS.email });
    const projects = await api.listProjects('dev@acme.com', { limit: 100 });
    expect(projects.length).toBeGreaterThan(0);
    expect(emu.calls('GET')[0]?.path).toBe('/api/v1/projects/dev%40acme.com/?limit=100');
  });

  it('sends the key, a JSON body and the User-Agent', async () => {
    const { api } = client();
    const project = await api.clone({ source_project_uid: TEMPLATES.video, name: 'Client', copy_collaborators: true });
    expect(project).toMatchObject({ name: 'Client', status: 'pending-approval', task_type: 'video-annotation' });
    const [call] = emu.calls('POST');
    expect(call?.headers).toMatchObject({
      'x-avala-api-key': KEYS.pro,
      'user-agent': 'test-agent/1',
      'content-type': 'application/json',
      accept: 'application/json',
    });
  });
});

describe('HttpClient', () => {
  it('waits as long as Retry-After says, in seconds or as a date', async () => {
    emu.inject({ method: 'GET', fault: { kind: 'status', status: 429, retryAfter: '7' } });
    const h = client();
    await h.api.listProjects('acme', { limit: 1 });
    expect(h.waits).toEqual([7000]);

    emu.inject({
      method: 'GET',
      fault: { kind: 'status', status: 429, retryAfter: new Date(Date.now() + 20_000).toUTCString() },
    });
    const d = client();
    await d.api.listProjects('acme', { limit: 1 });
    expect(d.waits[0]).toBeGreaterThan(18_000);
    expect(d.waits[0]).toBeLessThanOrEqual(20_000);
  });

  it.each([
    ['1.5', 1500],
    ['2, 2', 2000],
    ['soon', 250],
    ['-1', 250],
    ['1.5.2', 250],
  ])('reads Retry-After %j as a wait of %i ms, never as "at once"', async (retryAfter, ms) => {
    emu.inject({ method: 'GET', fault: { kind: 'status', status: 429, retryAfter } });
    const h = client();
    await h.api.listProjects('acme', { limit: 1 });
    expect(h.waits).toEqual([ms]);
  });

  it('sends no more than 20 requests in any one second', async () => {
    const h = client();
    for (let i = 0; i < 22; i++) await h.api.dataset({ uid: 'd-1' });
    // Waits are recorded, not slept: the 21st and 22nd request each wait for the second to pass.
    expect(h.waits).toHaveLength(2);
    for (const wait of h.waits) expect(wait).toBeGreaterThan(0);
    for (const wait of h.waits) expect(wait).toBeLessThanOrEqual(1000);
  });

  it("keeps to 20 requests a second when several wait at once, as an upload's files do", async () => {
    const http = new HttpClient({
      baseUrl: new URL(emu.url),
      apiKey: KEYS.pro,
      userAgent: 'test-agent/1',
      timeoutMs: 5000,
      retries: 0,
      log: { info: () => undefined },
    });
    const api = new AvalaClient(http);
    const started = performance.now();
    await Promise.all(Array.from({ length: 60 }, () => api.dataset({ uid: 'd-1' })));
    // 20, then 20 a second later, then the last 20: the 40 that wait must not all leave when the first slot frees.
    expect(performance.now() - started).toBeGreaterThan(1950);
    expect(emu.calls('GET')).toHaveLength(60);
  });

  it('reads datasets by uid and by owner/slug, and slices by owner/slug; 404 is none', async () => {
    const { api } = client();
    const bySlug = await api.dataset({ owner: 'acme', slug: 'street-2026-w47' });
    expect(bySlug).toMatchObject({
      uid: '880b0700-b51e-74g7-d049-779988770000',
      status: 'created',
      data_type: 'image',
    });
    expect(await api.dataset({ uid: bySlug?.uid ?? '' })).toMatchObject({ slug: 'street-2026-w47' });
    expect(await api.dataset({ owner: 'acme', slug: 'missing' })).toBeUndefined();
    expect(await api.slice({ owner: 'acme', slug: 'street-subset' })).toMatchObject({ slug: 'street-subset' });
    expect(emu.calls('GET').map((q) => q.path)).toEqual([
      '/api/v1/datasets/acme/street-2026-w47/',
      '/api/v1/datasets/880b0700-b51e-74g7-d049-779988770000/',
      '/api/v1/datasets/acme/missing/',
      '/api/v1/slices/acme/street-subset/',
    ]);
  });

  it('backs off exponentially between retries of a GET', async () => {
    emu.inject({ method: 'GET', times: 3, fault: { kind: 'status', status: 500 } });
    const h = client();
    await h.api.listProjects('acme', { limit: 1 });
    expect(h.waits).toEqual([250, 500, 1000]);
  });

  it('does not retry a client error', async () => {
    const h = client({ apiKey: 'avk_wrong' });
    const e = await failure(h.api.listProjects('acme', { limit: 1 }));
    expect(e.errorCode).toBe('http-401');
    expect(emu.requests).toHaveLength(1);
  });

  it('does not send a POST again when the server may have acted and nothing can check', async () => {
    emu.inject({ method: 'POST', fault: { kind: 'act-then-status', status: 504 } });
    const h = client();
    const e = await failure(h.api.transition(TEMPLATES.image, 'pause'));
    expect(e).toMatchObject({ status: 504, outcomeUnknown: true });
    expect(emu.calls('POST')).toHaveLength(1);
  });

  it('gives up when the check after an unknown outcome cannot tell', async () => {
    emu.inject({ method: 'POST', fault: { kind: 'act-then-drop' } });
    const h = client();
    let checks = 0;
    const e = await failure(
      h.api.transition(TEMPLATES.image, 'pause', async () => {
        checks += 1;
        return 'unknown';
      }),
    );
    expect(checks).toBe(1);
    expect(e.outcomeUnknown).toBe(true);
    expect(emu.calls('POST')).toHaveLength(1);
  });

  it('waits for X-RateLimit-Reset once the remaining count is 0', async () => {
    const limited = await startEmulator({ rateLimit: { limit: 1, windowMs: 30_000 } });
    try {
      const h = client({ baseUrl: new URL(limited.url) });
      await h.api.listProjects('acme', { limit: 1 });
      expect(h.waits).toEqual([]);
      await h.api.listProjects('acme', { limit: 1 }).catch(() => undefined);
      expect(h.waits[0]).toBeGreaterThan(25_000);
      expect(h.waits[0]).toBeLessThanOrEqual(31_000);
      expect(h.logs).toContainEqual(
        expect.stringMatching(/^Rate limit reached; waiting \d+\.\d s for X-RateLimit-Reset$/),
      );
    } finally {
      await limited.close();
    }
  });

  it('refuses every request but GET when read-only', async () => {
    const h = client({ readOnly: true });
    await expect(h.api.transition(TEMPLATES.image, 'pause')).rejects.toThrow('Dry run: refusing to send POST');
    expect(emu.requests).toHaveLength(0);
  });

  it('refuses a URL on another origin before sending anything', async () => {
    const h = client();
    const e = await failure(
      h.http.send({ method: 'GET', url: new URL('http://127.0.0.2:1/api/v1/projects/acme/'), parse: (j) => j }),
    );
    expect(e.message).toContain('refused to send the API key to http://127.0.0.2:1');
  });

  it('logs one line per attempt at info and bodies at debug', async () => {
    const h = client();
    await h.api.clone({ source_project_uid: TEMPLATES.image, name: 'Logged', copy_collaborators: false });
    expect(h.logs.filter((l) => !l.startsWith('debug: '))).toEqual([
      expect.stringMatching(/^POST \/api\/v1\/projects\/create-from-existing\/ → 201 in \d+ ms$/),
    ]);
    expect(h.logs).toContain(
      `debug: POST /api/v1/projects/create-from-existing/ body: {"source_project_uid":"${TEMPLATES.image}","name":"Logged","copy_collaborators":false}`,
    );
  });
});
