/**
 * The upload's clients against the emulator, in process over real sockets: Avala's presign and create
 * (UploadApi) and one file to one target (StorageClient), with the target's faults; and a target that reads
 * slowly, which must not time out while bytes move.
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { KEYS } from '../emulator/seed.ts';
import { type Emulator, startEmulator } from '../emulator/server.ts';
import { AvalaClient } from '../src/api/client.ts';
import { HttpClient } from '../src/api/http.ts';
import { StorageClient } from '../src/api/storage.ts';

let emu: Emulator;
let root = '';
beforeAll(async () => {
  emu = await startEmulator({ rateLimit: false });
  root = await mkdtemp(join(tmpdir(), 'avala-upload-client-'));
});
afterAll(async () => {
  await emu.close();
  await rm(root, { recursive: true, force: true });
});
beforeEach(() => emu.reset());

const logs: string[] = [];
function api(): AvalaClient {
  const http = new HttpClient({
    baseUrl: new URL(emu.url),
    apiKey: KEYS.pro,
    userAgent: 'test-agent/1',
    timeoutMs: 5000,
    retries: 2,
    log: { info: (m) => logs.push(m), debug: (m) => logs.push(`debug: ${m}`) },
    sleep: async () => undefined,
  });
  return new AvalaClient(http);
}
const storage = (timeoutMs = 5000, base = emu.url) =>
  new StorageClient({ baseUrl: new URL(base), timeoutMs, userAgent: 'test-agent/1' });

async function file(name: string, bytes: Buffer): Promise<{ abs: string; name: string; size: number }> {
  const abs = join(root, name);
  await writeFile(abs, bytes);
  return { abs, name, size: bytes.length };
}
const never = new AbortController().signal;

describe('one file to one target', () => {
  it('is staged as sent: the fields in order, the file whole, and neither key nor token in its headers', async () => {
    // Random, and many chunks long: a chunk's buffer reused too soon would change what arrives.
    const bytes = randomBytes(24 * 1024 * 1024 + 123);
    const f = await file('big.bin', bytes);
    const target = await (await api().uploads()).presign('street', 'sub/big.bin', f.size);
    let moved = 0;
    const sent = await storage().post(target.url, target.fields, f, (n) => (moved += n), never);
    expect(sent).toEqual({ ok: true, status: 204 });
    expect(moved).toBe(bytes.length);
    const [staged] = emu.uploads.staged('acme', 'street');
    expect(staged).toMatchObject({ path: 'sub/big.bin', size: bytes.length, filename: 'big.bin' });
    expect(staged?.md5).toBe(createHash('md5').update(bytes).digest('hex'));
    const [request] = emu.storageRequests;
    expect(JSON.stringify(request?.headers)).not.toContain(KEYS.pro);
    expect(request?.headers['x-avala-api-key']).toBeUndefined();
    // The presign is logged at debug level only: the upload's own lines stand for it.
    expect(logs.filter((l) => l.includes('file-upload-url')).every((l) => l.startsWith('debug: '))).toBe(true);
  });

  it('reports a target used already as a 403 not worth retrying, with S3’s code and message', async () => {
    const f = await file('a.jpg', Buffer.from('a'));
    const target = await (await api().uploads()).presign('street', 'a.jpg', 1);
    expect((await storage().post(target.url, target.fields, f, () => undefined, never)).ok).toBe(true);
    const again = await storage().post(target.url, target.fields, f, () => undefined, never);
    expect(again).toMatchObject({ ok: false, status: 403, retryable: false, quota: false });
    expect(again.ok === false && again.detail).toBe(
      'the storage target answered 403: AccessDenied: This upload target was used already: ask for a fresh one.',
    );
  });

  it('reports 413 as the quota, 503 and a reset as worth retrying, a redirect as not followed', async () => {
    const f = await file('b.jpg', Buffer.alloc(1000));
    const cases: Array<[Parameters<Emulator['inject']>[0]['fault'], object]> = [
      [
        { kind: 'status', status: 413 },
        { quota: true, retryable: false },
      ],
      [
        { kind: 'status', status: 503, retryAfter: '2' },
        { retryable: true, retryAfter: '2' },
      ],
      [{ kind: 'reset', afterBytes: 10 }, { retryable: true }],
      [{ kind: 'redirect', location: `${emu.url}/elsewhere` }, { retryable: false }],
    ];
    for (const [fault, expected] of cases) {
      emu.inject({ path: '/__storage/', fault });
      const target = await (await api().uploads()).presign('street', 'b.jpg', 1000);
      const sent = await storage().post(target.url, target.fields, f, () => undefined, never);
      expect(sent, fault.kind).toMatchObject({ ok: false, ...expected });
    }
    expect(emu.requests.filter((q) => q.path.includes('elsewhere'))).toEqual([]);
  });

  it('gives up a target where no byte moves for timeout, and not one that is slow but moving', async () => {
    const f = await file('c.bin', Buffer.alloc(40 * 1024 * 1024, 1));
    emu.inject({ path: '/__storage/', fault: { kind: 'stall', afterBytes: 1024 } });
    const target = await (await api().uploads()).presign('street', 'c.bin', f.size);
    const started = performance.now();
    const stalled = await storage(300).post(target.url, target.fields, f, () => undefined, never);
    expect(stalled).toMatchObject({ ok: false, retryable: true, detail: 'no byte moved for 0.3 s (timeout)' });
    expect(performance.now() - started).toBeLessThan(3000);
    // A target that takes most of a second to read the file, a chunk at a time: longer than the timeout, and fine.
    const slow = await slowTarget();
    try {
      const started2 = performance.now();
      const sent = await storage(500, slow.url).post(`${slow.url}/t`, [], f, () => undefined, never);
      expect(sent).toEqual({ ok: true, status: 204 });
      expect(performance.now() - started2).toBeGreaterThan(600);
    } finally {
      slow.server.close();
    }
  });

  it('refuses a target that is not allowed, and sends it nothing', async () => {
    const f = await file('d.jpg', Buffer.from('d'));
    const sent = await storage().post('http://localhost:9/x', [], f, () => undefined, never);
    expect(sent).toMatchObject({ ok: false, retryable: false });
    expect(sent.ok === false && sent.detail).toBe(
      "target refused: its host localhost is not an allowed storage host (*.amazonaws.com, *.storage.googleapis.com, *.blob.core.windows.net or base-url's own)",
    );
  });
});

describe('the dataset made from staged files', () => {
  it('is created once: a 409 is this dataset, read back', async () => {
    const client = api();
    const f = await file('e.jpg', Buffer.from('e'));
    const target = await (await client.uploads()).presign('night-01', 'e.jpg', 1);
    await storage().post(target.url, target.fields, f, () => undefined, never);
    const made = await (await client.uploads()).createDataset({
      name: 'night-01',
      slug: 'night-01',
      dataType: 'image',
      owner: 'acme',
    });
    expect(made).toMatchObject({ slug: 'night-01', status: 'creating', data_type: 'image' });
    const again = await (await client.uploads()).createDataset({
      name: 'night-01',
      slug: 'night-01',
      dataType: 'image',
      owner: 'acme',
    });
    expect(again.uid).toBe(made.uid);
    expect(emu.calls('POST', /manual-upload\/$/).map((q) => q.status)).toEqual([201, 409]);
  });

  it('whose answer was lost is read before it is sent again, and found', async () => {
    const client = api();
    const f = await file('g.jpg', Buffer.from('g'));
    const target = await (await client.uploads()).presign('night-02', 'g.jpg', 1);
    await storage().post(target.url, target.fields, f, () => undefined, never);
    emu.inject({ method: 'POST', path: /manual-upload\/$/, fault: { kind: 'act-then-drop' } });
    const made = await (await client.uploads()).createDataset({
      name: 'night-02',
      slug: 'night-02',
      dataType: 'image',
      owner: 'acme',
    });
    expect(made.slug).toBe('night-02');
    expect(emu.calls('POST', /manual-upload\/$/)).toHaveLength(1);
    expect(emu.calls('GET', '/datasets/acme/night-02/')).toHaveLength(1);
  });
});

/** A loopback target that reads its body at 40 MB/s, a chunk at a time, then answers 204. */
async function slowTarget(): Promise<{ url: string; server: Server }> {
  const server = createServer((req, res) => {
    req.on('data', (chunk: Buffer) => {
      req.pause();
      setTimeout(() => req.resume(), chunk.length / 40_000);
    });
    req.on('end', () => res.writeHead(204).end());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address() as { port: number };
  return { url: `http://127.0.0.1:${address.port}`, server };
}
