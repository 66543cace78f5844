/**
 * The emulator's presigned storage targets (step 2 of the upload protocol), as
 * S3 answers a browser-style POST: no key, the presigned fields in order, then
 * the file at its declared size; faults on demand; bodies streamed, never held.
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { MultipartReader } from '../emulator/multipart.ts';
import { KEYS } from '../emulator/seed.ts';
import { useEmulator } from './support/fixtures.ts';

const fx = useEmulator();

interface Target {
  url: string;
  fields: Record<string, string>;
}

async function target(path: string, size: number, api = fx.emu.url): Promise<Target> {
  const response = await fetch(`${api}/datasets/manual-upload/file-upload-url/`, {
    method: 'POST',
    headers: { 'X-Avala-Api-Key': KEYS.pro, 'Content-Type': 'application/json' },
    body: JSON.stringify({ dataset_name: 'Street', file_path_in_dataset: path, content_length: size }),
  });
  expect(response.status).toBe(200);
  return (await response.json()) as Target;
}

interface Sent {
  headers?: Record<string, string>;
  fields?: Array<[string, string]>;
  /** A part after the file. */
  trailer?: boolean;
}

async function upload(t: Target, content: string | Uint8Array, sent: Sent = {}) {
  const form = new FormData();
  for (const [name, value] of sent.fields ?? Object.entries(t.fields)) form.append(name, value);
  form.append('file', new Blob([content]), 'f.jpg');
  if (sent.trailer) form.append('note', 'late');
  const response = await fetch(t.url, { method: 'POST', body: form, headers: sent.headers ?? {}, redirect: 'manual' });
  return { status: response.status, text: await response.text() };
}

/** An S3 error document with this code. */
const s3 = (status: number, code: string) => ({
  status,
  text: expect.stringMatching(new RegExp(`^<\\?xml [^>]*>\\n<Error><Code>${code}</Code><Message>[^<]+</Message>`)),
});
const md5 = (text: string) => createHash('md5').update(text).digest('hex');
const staged = () => fx.emu.uploads.staged('acme', 'Street').map((f) => [f.path, f.size]);

describe('storage targets', () => {
  it('take no key: one sent is refused and recorded, and nothing is staged', async () => {
    expect(await upload(await target('a.jpg', 1), 'a', { headers: { 'X-Avala-Api-Key': KEYS.pro } })).toEqual(
      s3(400, 'InvalidArgument'),
    );
    expect(await upload(await target('a.jpg', 1), 'a', { headers: { Authorization: 'Bearer x' } })).toEqual(
      s3(400, 'InvalidArgument'),
    );
    expect(
      fx.emu.storageRequests.map((r) => [r.status, r.headers['x-avala-api-key'], r.headers.authorization]),
    ).toEqual([
      [400, KEYS.pro, undefined],
      [400, undefined, 'Bearer x'],
    ]);
    expect(staged()).toEqual([]);
    // Storage requests are not API requests: the API saw only the two presigns.
    expect(fx.emu.calls().map((r) => r.path)).toEqual(Array(2).fill('/api/v1/datasets/manual-upload/file-upload-url/'));
  });

  it('take a target once, and only its fields in order, then the file last', async () => {
    const t = await target('a.jpg', 1);
    const entries = Object.entries(t.fields);
    const swapped = [entries[1], entries[0], ...entries.slice(2)] as Array<[string, string]>;
    const tampered = entries.map(([k, v]): [string, string] => [k, k === 'key' ? `${v}x` : v]);
    const cases: Array<[Sent, ReturnType<typeof s3>]> = [
      [{ fields: swapped }, s3(403, 'AccessDenied')],
      [{ fields: entries.slice(1) }, s3(403, 'AccessDenied')],
      [{ fields: tampered }, s3(403, 'AccessDenied')],
      [{ trailer: true }, s3(400, 'InvalidArgument')],
    ];
    for (const [sent, answer] of cases) expect(await upload(await target('a.jpg', 1), 'a', sent)).toEqual(answer);
    expect(await upload(t, 'a')).toEqual({ status: 204, text: '' });
    expect(await upload(t, 'a')).toEqual(s3(403, 'AccessDenied'));
    expect(await upload({ ...t, url: `${fx.emu.origin}/__storage/unknown` }, 'a')).toEqual(s3(403, 'AccessDenied'));
    const plain = await fetch((await target('a.jpg', 1)).url, { method: 'POST', body: 'a' });
    expect({ status: plain.status, text: await plain.text() }).toEqual(s3(400, 'MalformedPOSTRequest'));
    const get = await fetch((await target('a.jpg', 1)).url);
    expect({ status: get.status, text: await get.text() }).toEqual(s3(405, 'MethodNotAllowed'));
    expect(staged()).toEqual([['a.jpg', 1]]);
    expect(fx.emu.storageRequests.find((r) => r.status === 204)?.fields).toEqual(entries);
  });

  it('refuse a file that is not the size declared, keeping what was staged', async () => {
    expect((await upload(await target('a.jpg', 3), 'abc')).status).toBe(204);
    expect(await upload(await target('a.jpg', 3), 'ab')).toEqual(s3(400, 'EntityTooSmall'));
    expect(await upload(await target('a.jpg', 3), 'abcd')).toEqual(s3(400, 'EntityTooLarge'));
    expect(fx.emu.uploads.staged('acme', 'Street').map((f) => [f.size, f.md5])).toEqual([
      [3, '900150983cd24fb0d6963f7d28e17f72'],
    ]);
  });

  it('get faults only from rules that name them: a 503, then a fresh target takes the file', async () => {
    const [t, t2, t3] = [await target('a.jpg', 1), await target('a.jpg', 1), await target('a.jpg', 1)] as Target[];
    // A rule that names no path is the API's: targets are another host.
    fx.emu.inject({ method: 'POST', fault: { kind: 'status', status: 500 } });
    fx.emu.inject({ path: '/__storage/', times: 2, fault: { kind: 'status', status: 503, retryAfter: '1' } });
    expect(await upload(t as Target, 'a')).toEqual(s3(503, 'SlowDown'));
    expect(await upload(t2 as Target, 'a')).toEqual(s3(503, 'SlowDown'));
    expect(await upload(t as Target, 'a')).toEqual(s3(403, 'AccessDenied'));
    expect(await upload(t3 as Target, 'a')).toEqual({ status: 204, text: '' });
    await expect(target('b.jpg', 1)).rejects.toThrow(/expected 500 to be 200/);
    expect(fx.emu.storageRequests.map((r) => [r.status, r.fault])).toEqual([
      [503, 'status'],
      [503, 'status'],
      [403, undefined],
      [204, undefined],
    ]);
    expect(staged()).toEqual([['a.jpg', 1]]);
  });

  it('reset or stall mid-body on demand, staging nothing', async () => {
    const big = new Uint8Array(8 << 20);
    fx.emu.inject({ path: '/__storage/', fault: { kind: 'reset', afterBytes: 100_000 } });
    await expect(upload(await target('a.bin', big.length), big)).rejects.toThrow();
    fx.emu.inject({ path: '/__storage/', fault: { kind: 'stall', afterBytes: 100_000 } });
    const stalled = await target('b.bin', big.length);
    const form = new FormData();
    for (const [name, value] of Object.entries(stalled.fields)) form.append(name, value);
    form.append('file', new Blob([big]));
    const request = fetch(stalled.url, { method: 'POST', body: form, signal: AbortSignal.timeout(300) });
    await expect(request).rejects.toThrow(/timeout|aborted/i);
    expect(fx.emu.storageRequests.map((r) => [r.fault, r.status, r.bytes >= 100_000 && r.bytes < big.length])).toEqual([
      ['reset', undefined, true],
      ['stall', undefined, true],
    ]);
    expect(staged()).toEqual([]);
    expect((await upload(await target('a.bin', 1), 'a')).status).toBe(204);
  });

  it('read a form the same however its bytes are cut into chunks', () => {
    // File bytes that look like the start of a delimiter, and a delimiter cut at every place, must not confuse it.
    const file = 'ab\r\n--bnd-x\r\n-\r\n--bn';
    const body = Buffer.from(
      'preamble\r\n--bnd-0\r\nContent-Disposition: form-data; name="key"\r\n\r\nk/é.jpg\r\n' +
        '--bnd-0\r\nContent-Disposition: form-data; name="policy"\r\n\r\n\r\n' +
        `--bnd-0\r\nContent-Disposition: form-data; name="file"; filename="a b.jpg"\r\nContent-Type: image/jpeg\r\n\r\n${file}` +
        '\r\n--bnd-0--\r\nepilogue',
    );
    const expected = {
      fields: [
        ['key', 'k/é.jpg'],
        ['policy', ''],
      ],
      file: { filename: 'a b.jpg', contentType: 'image/jpeg', size: file.length, md5: md5(file) },
      after: 0,
    };
    const read = (cuts: number[]) => {
      const reader = new MultipartReader('bnd-0');
      [0, ...cuts].forEach((at, i) => {
        reader.write(body.subarray(at, cuts[i] ?? body.length));
      });
      return reader.end();
    };
    for (let at = 0; at <= body.length; at++) expect(read([at]), `cut at ${at}`).toEqual(expected);
    expect(read([...body.keys()].slice(1))).toEqual(expected);
    expect(read([]).error).toBeUndefined();
    const cut = new MultipartReader('bnd-0');
    cut.write(body.subarray(0, body.length - 20));
    expect(cut.end().error).toMatch(/ends before the closing boundary/);
  });

  it.skipIf(process.platform !== 'linux')(
    'read a 200 MB body as it arrives, in memory that stops growing by its second half',
    async () => {
      // Its own process, so that the peak resident size is the emulator's alone.
      const root = fileURLToPath(new URL('..', import.meta.url));
      const child = spawn(process.execPath, ['emulator/main.ts', '--port', '0', '--rate-limit', '1000'], {
        cwd: root,
        stdio: ['ignore', 'pipe', 'inherit'],
      });
      try {
        const api = await new Promise<string>((resolve, reject) => {
          let out = '';
          child.stdout.on('data', (data: Buffer) => {
            out += data.toString();
            const match = out.match(/listening on (\S+)/);
            if (match) resolve(match[1] as string);
          });
          child.once('exit', () => reject(new Error(`the emulator exited: ${out}`)));
        });
        const peak = async () => {
          const status = await readFile(`/proc/${child.pid}/status`, 'utf8');
          return Number(status.match(/VmHWM:\s+(\d+) kB/)?.[1]) * 1024;
        };
        const MB = 1 << 20;
        const size = 200 * MB;
        const t = await target('big.bin', size, api);
        const boundary = 'emulator-test-0123456789';
        const head = Object.entries(t.fields)
          .map(([k, v]) => `--${boundary}\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`)
          .join('');
        const encoder = new TextEncoder();
        const chunk = new Uint8Array(MB).fill(0x61);
        const before = await peak();
        let sent = 0;
        let readMidway = 0;
        let peakMidway = 0;
        const body = new ReadableStream<Uint8Array>({
          async pull(controller) {
            if (sent === 0) {
              controller.enqueue(
                encoder.encode(
                  `${head}--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="big.bin"\r\n\r\n`,
                ),
              );
            } else if (sent === size / 2) {
              const seen = await fetch(`${new URL(api).origin}/__emulator/storage-requests`);
              readMidway = ((await seen.json()) as Array<{ bytes: number }>)[0]?.bytes ?? 0;
              peakMidway = await peak();
            } else if (sent === size) {
              controller.enqueue(encoder.encode(`\r\n--${boundary}--\r\n`));
              controller.close();
              return;
            }
            controller.enqueue(chunk);
            sent += MB;
          },
        });
        const response = await fetch(t.url, {
          method: 'POST',
          body,
          duplex: 'half',
          headers: {
            'Content-Type': `multipart/form-data; boundary=${boundary}`,
            'Content-Length': String(
              Buffer.byteLength(
                `${head}--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="big.bin"\r\n\r\n\r\n--${boundary}--\r\n`,
              ) + size,
            ),
          },
        } as RequestInit);
        expect(response.status).toBe(204);
        expect(readMidway).toBeGreaterThan(size / 4);
        expect(readMidway).toBeLessThan(size);
        // Node's own HTTP server peaks about 80 MB above its start on such a body whatever is done with it: V8
        // collects socket buffers once 64 MB of them are garbage. So the bounds: far less than the body, and
        // little more for its second half than one such collection's slack (a body held would add 100 MB).
        const end = await peak();
        expect(end - before).toBeLessThan(size / 2);
        expect(end - peakMidway).toBeLessThan(40 * MB);
      } finally {
        child.kill();
      }
    },
  );
});
