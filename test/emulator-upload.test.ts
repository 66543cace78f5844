/**
 * The emulator speaks Avala's upload protocol (avala-api.md, "The upload
 * protocol") over real HTTP: a presigned target per file, the file posted to it
 * without a key, then the dataset made from what was staged. The action's
 * uploader is tested against it, so it must refuse what Avala and S3 refuse.
 */
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { KEYS } from '../emulator/seed.ts';
import { useEmulator } from './support/fixtures.ts';

const fx = useEmulator();

interface Target {
  url: string;
  fields: Record<string, string>;
}

async function api(method: string, path: string, body?: unknown, key: string | null = KEYS.pro, base = fx.emu.url) {
  const headers: Record<string, string> = { 'Content-Type': 'application/json' };
  if (key) headers['X-Avala-Api-Key'] = key;
  const init: RequestInit = { method, headers };
  if (body !== undefined) init.body = typeof body === 'string' ? body : JSON.stringify(body);
  const response = await fetch(`${base}${path}`, init);
  return { status: response.status, json: (await response.json()) as Record<string, unknown> };
}

const PRESIGN = '/datasets/manual-upload/file-upload-url/';
const CREATE = '/datasets/manual-upload/';
const presign = (body: unknown, key?: string | null) => api('POST', PRESIGN, body, key);
const create = (fields: Record<string, unknown> = {}) => api('POST', CREATE, { ...DATASET, ...fields });
const DATASET = {
  name: 'Street',
  slug: 'street',
  data_type: 'image',
  visibility: 'private',
  create_metadata: true,
  owner_name: 'acme',
};

async function target(path: string, size: number, datasetName = 'Street'): Promise<Target> {
  const r = await presign({ dataset_name: datasetName, file_path_in_dataset: path, content_length: size });
  expect(r.status).toBe(200);
  return r.json as unknown as Target;
}

/** Posts as the protocol says, with no key: every field in order, then the file as `file`. */
async function upload(t: Target, content: string) {
  const form = new FormData();
  for (const [name, value] of Object.entries(t.fields)) form.append(name, value);
  form.append('file', new Blob([content]), 'file.bin');
  const response = await fetch(t.url, { method: 'POST', body: form, redirect: 'manual' });
  return { status: response.status, text: await response.text(), etag: response.headers.get('etag') };
}

const md5 = (text: string) => createHash('md5').update(text).digest('hex');
const staged = (name = 'Street') => fx.emu.uploads.staged('acme', name).map((f) => [f.path, f.size, f.md5]);

describe('the upload protocol', () => {
  it('stages three files through presigned targets and makes a dataset of them, creating and then created', async () => {
    const files: Record<string, [string, string | undefined]> = {
      'cam0/0001.jpg': ['a jpeg', 'image/jpeg'],
      'cam0/0002.png': ['a png, longer', 'image/png'],
      'calib.bin': ['\u0000\u0001\u00ff', undefined],
    };
    for (const [path, [content, type]] of Object.entries(files)) {
      const t = await target(path, Buffer.byteLength(content));
      const url = new URL(t.url);
      expect(url.origin).toBe(fx.emu.origin);
      expect(url.pathname).toMatch(/^\/__storage\/[\w-]{20,}$/);
      expect(Object.keys(t.fields)).toEqual([
        'key',
        ...(type ? ['Content-Type'] : []),
        'x-amz-algorithm',
        'x-amz-credential',
        'x-amz-date',
        'policy',
        'x-amz-signature',
      ]);
      expect(t.fields.key).toBe(`manual-uploads/acme/Street/${path}`);
      expect(t.fields['Content-Type']).toBe(type);
      expect(await upload(t, content)).toEqual({ status: 204, text: '', etag: `"${md5(content)}"` });
    }
    expect(staged()).toEqual(Object.entries(files).map(([p, [c]]) => [p, Buffer.byteLength(c), md5(c)]));

    const made = await create();
    expect(made).toEqual({
      status: 201,
      json: {
        uid: expect.stringMatching(/^[0-9a-f-]{36}$/),
        name: 'Street',
        slug: 'street',
        data_type: 'image',
        status: 'creating',
        item_count: 3,
        owner_name: 'acme',
        visibility: 'private',
      },
    });
    const uid = made.json.uid as string;
    expect(staged()).toEqual([]);
    expect(fx.emu.uploads.filesOf(uid).map((f) => f.path)).toEqual(Object.keys(files));
    expect(await api('GET', '/datasets/acme/street/')).toEqual({ status: 200, json: made.json });
    expect(await api('GET', `/datasets/${uid}/`)).toEqual({ status: 200, json: { ...made.json, status: 'created' } });

    expect(fx.emu.storageRequests.map((r) => [r.method, r.status, r.headers['x-avala-api-key']])).toEqual(
      Array(3).fill(['POST', 204, undefined]),
    );
    expect(fx.emu.requests.map((r) => `${r.method} ${r.path.replace(/^\/api\/v1/, '')} ${r.status}`)).toEqual([
      ...Array(3).fill(`POST ${PRESIGN} 200`),
      `POST ${CREATE} 201`,
      'GET /datasets/acme/street/ 200',
      `GET /datasets/${uid}/ 200`,
    ]);
  });

  it('answers a bad presign with Django-style field errors and hands out no target', async () => {
    const ok = { dataset_name: 'Street', file_path_in_dataset: 'a.jpg', content_length: 3 };
    const cases: Array<[unknown, unknown]> = [
      [
        {},
        {
          dataset_name: ['This field is required.'],
          file_path_in_dataset: ['This field is required.'],
          content_length: ['This field is required.'],
        },
      ],
      [{ ...ok, dataset_name: 7 }, { dataset_name: ['Not a valid string.'] }],
      [{ ...ok, dataset_name: ' ' }, { dataset_name: ['This field may not be blank.'] }],
      [{ ...ok, content_length: '3' }, { content_length: ['A valid integer is required.'] }],
      [{ ...ok, content_length: 1.5 }, { content_length: ['A valid integer is required.'] }],
      [{ ...ok, content_length: -1 }, { content_length: ['Ensure this value is greater than or equal to 0.'] }],
      [
        { ...ok, content_length: 5 * 1024 ** 3 + 1 },
        { content_length: [`Ensure this value is less than or equal to ${5 * 1024 ** 3}.`] },
      ],
      [[], { non_field_errors: ['Invalid data. Expected a dictionary.'] }],
    ];
    const paths: Array<[string, string]> = [
      ['../a.jpg', '. or .. part'],
      ['a/../../b.jpg', '. or .. part'],
      ['./a.jpg', '. or .. part'],
      ['/etc/passwd', 'starts with /'],
      ['a\\b.jpg', 'backslash'],
      ['a//b.jpg', 'empty part'],
      ['a/', 'empty part'],
      ['a\nb.jpg', 'control character'],
    ];
    for (const [path, why] of paths) {
      cases.push([{ ...ok, file_path_in_dataset: path }, { file_path_in_dataset: [expect.stringContaining(why)] }]);
    }
    for (const [body, errors] of cases)
      expect(await presign(body), JSON.stringify(body)).toEqual({ status: 400, json: errors });
    expect(await presign('{"dataset_name": ')).toMatchObject({
      status: 400,
      json: { detail: expect.stringMatching(/^JSON parse error/) },
    });
    expect(await presign(ok, null)).toEqual({ status: 401, json: { detail: 'Invalid API key.' } });
    expect(await api('GET', PRESIGN)).toEqual({ status: 405, json: { detail: 'Method "GET" not allowed.' } });
    expect(fx.emu.uploads.targets.size).toBe(0);
    expect((await presign(ok)).status).toBe(200);
    expect(fx.emu.uploads.targets.size).toBe(1);
  });

  it('refuses a create with field errors, nothing staged, another owner, or a slug the owner has', async () => {
    const datasets = fx.emu.datasets.byUid.size;
    expect(await api('POST', CREATE, {})).toEqual({
      status: 400,
      json: {
        name: ['This field is required.'],
        slug: ['This field is required.'],
        data_type: ['This field is required.'],
      },
    });
    expect(
      await create({ data_type: 'pointcloud', visibility: 'public', slug: 'Street Scenes', create_metadata: 'yes' }),
    ).toEqual({
      status: 400,
      json: {
        slug: ['Enter a valid “slug” consisting of lower-case letters, numbers, underscores or hyphens.'],
        data_type: ['"pointcloud" is not a valid choice.'],
        visibility: ['"public" is not a valid choice.'],
        create_metadata: ['Must be a valid boolean.'],
      },
    });
    expect(await create()).toEqual({ status: 400, json: { detail: 'No files have been uploaded for "Street".' } });
    await upload(await target('a.jpg', 1), 'a');
    // 404 for an owner Avala does not have, 403 for an account that is not the key's: nothing staged moves.
    expect(await create({ owner_name: 'nobody' })).toEqual({ status: 404, json: { detail: 'Not found.' } });
    expect(await create({ owner_name: 'basicco' })).toMatchObject({ status: 403 });
    expect(await create({ slug: 'street-2026-w47' })).toEqual({
      status: 409,
      json: { detail: 'A dataset with this slug already exists.' },
    });
    expect(fx.emu.datasets.byUid.size).toBe(datasets);
    expect(staged()).toEqual([['a.jpg', 1, md5('a')]]);

    // Without owner_name the dataset is the key's own, as Avala's CLI makes it without --owner.
    const { owner_name: _owner, ...ownerless } = DATASET;
    expect(await api('POST', CREATE, ownerless)).toMatchObject({
      status: 201,
      json: { owner_name: 'acme', item_count: 1 },
    });
    await upload(await target('b.jpg', 1), 'b');
    expect(await create()).toMatchObject({ status: 409 });
    expect(staged()).toEqual([['b.jpg', 1, md5('b')]]);
  });

  it('makes an uploaded dataset ready after the configured reads, or time', async () => {
    const statuses = async (reads: number) => {
      const out: unknown[] = [];
      for (let i = 0; i < reads; i++) out.push((await api('GET', '/datasets/acme/street/')).json.status);
      return out;
    };
    fx.emu.uploads.readiness = { reads: 3 };
    await upload(await target('a.jpg', 1), 'a');
    await create();
    expect(await statuses(4)).toEqual(['creating', 'creating', 'created', 'created']);

    fx.emu.reset();
    fx.emu.uploads.readiness = { afterMs: 150 };
    await upload(await target('a.jpg', 1), 'a');
    await create();
    expect(await statuses(3)).toEqual(['creating', 'creating', 'creating']);
    await new Promise((resolve) => setTimeout(resolve, 160));
    expect(await statuses(1)).toEqual(['created']);
  });

  it('answers 413 past the quota, counting staged files and uploaded datasets; a path staged again replaces itself', async () => {
    fx.emu.uploads.quotaBytes = 10;
    await upload(await target('a.bin', 6), 'aaaaaa');
    const over = { dataset_name: 'Street', file_path_in_dataset: 'b.bin', content_length: 5 };
    expect(await presign(over)).toEqual({
      status: 413,
      json: { detail: 'Uploading this file would exceed your storage quota.' },
    });
    // The same path again stands in for its 6 bytes.
    await upload(await target('a.bin', 10), '0123456789');
    expect(staged()).toEqual([['a.bin', 10, md5('0123456789')]]);
    expect((await create()).status).toBe(201);
    expect(fx.emu.uploads.usedBytes('acme')).toBe(10);
    expect((await presign({ ...over, dataset_name: 'Other', content_length: 1 })).status).toBe(413);
    expect((await presign({ ...over, dataset_name: 'Other', content_length: 0 })).status).toBe(200);
    // Another account's quota is its own.
    expect((await presign({ ...over, content_length: 10 }, KEYS.email)).status).toBe(200);
  });

  it('takes the quota and readiness, and shows storage requests, through the control routes too', async () => {
    const control = (method: string, path: string, body?: unknown) => api(method, path, body, null, fx.emu.origin);
    expect(await control('POST', '/__emulator/uploads', { quotaBytes: 5, readiness: { reads: 1 } })).toEqual({
      status: 200,
      json: { quotaBytes: 5, readiness: { reads: 1 } },
    });
    expect((await presign({ dataset_name: 'Street', file_path_in_dataset: 'a', content_length: 6 })).status).toBe(413);
    await control('POST', '/__emulator/faults', { path: '/__storage/', fault: { kind: 'status', status: 500 } });
    expect((await upload(await target('a.jpg', 1), 'a')).status).toBe(500);
    await upload(await target('a.jpg', 1), 'a');
    const seen = await fetch(`${fx.emu.origin}/__emulator/storage-requests`);
    expect(((await seen.json()) as Array<{ status: number }>).map((r) => r.status)).toEqual([500, 204]);
    await create();
    expect((await api('GET', '/datasets/acme/street/')).json.status).toBe('created');
  });

  it('lets faults hit the upload routes as any other', async () => {
    fx.emu.inject({ path: PRESIGN, fault: { kind: 'status', status: 429, retryAfter: '1' } });
    expect((await presign({ dataset_name: 'S', file_path_in_dataset: 'a', content_length: 1 })).status).toBe(429);
    await upload(await target('a.jpg', 1), 'a');
    fx.emu.inject({ path: CREATE, fault: { kind: 'act-then-status', status: 502 } });
    expect((await create()).status).toBe(502);
    // The create happened though its answer was lost: a retry finds the slug taken.
    expect(await create()).toMatchObject({ status: 409 });
    expect((await api('GET', '/datasets/acme/street/')).json).toMatchObject({ item_count: 1 });
  });
});
