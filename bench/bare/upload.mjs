// The floor for an upload: one directory uploaded by the protocol, created, waited for, cloned onto and approved,
// with the action's concurrency (8 files at once) and pacing (at most 20 Avala requests a second), checking
// nothing. Same requests as the action: the name lookup, the dataset read, a presign per file, the create, the
// readiness reads, the clone and its approve.
import { appendFileSync, createReadStream } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { basename, join } from 'node:path';

const base = process.env['INPUT_BASE-URL'];
const key = process.env['INPUT_API-KEY'];
const owner = process.env.INPUT_OWNER;
const dir = process.env.BENCH_DIR;
const slug = basename(dir);
const name = `datasets-${slug}`;
const headers = { 'X-Avala-Api-Key': key, 'Content-Type': 'application/json' };
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

// At most 20 requests leave in any one second, as the action's own pacing.
const recent = [];
async function paced(url, init = {}) {
  for (;;) {
    const now = Date.now();
    while (recent.length && recent[0] <= now - 1000) recent.shift();
    if (recent.length < 20) break;
    await sleep(recent[0] + 1000 - now);
  }
  recent.push(Date.now());
  return fetch(url, { headers, ...init });
}
const json = async (url, init) => (await paced(url, init)).json();

await json(`${base}/projects/${encodeURIComponent(owner)}/?name=${encodeURIComponent(name)}&limit=100`);
await (await paced(`${base}/datasets/${owner}/${slug}/`)).arrayBuffer();
const files = [];
for (const entry of await readdir(dir)) files.push({ path: entry, size: (await stat(join(dir, entry))).size });

async function send(file) {
  const body = JSON.stringify({ dataset_name: slug, file_path_in_dataset: file.path, content_length: file.size });
  const target = await json(`${base}/datasets/manual-upload/file-upload-url/`, { method: 'POST', body });
  const boundary = `----bare${Math.random().toString(16).slice(2)}`;
  const fields = Object.entries(target.fields)
    .map(([k, v]) => `--${boundary}\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`)
    .join('');
  const head = Buffer.from(
    `${fields}--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${file.path}"\r\nContent-Type: application/octet-stream\r\n\r\n`,
  );
  const tail = Buffer.from(`\r\n--${boundary}--\r\n`);
  async function* parts() {
    yield head;
    yield* createReadStream(join(dir, file.path), { highWaterMark: 256 * 1024 });
    yield tail;
  }
  const iterator = parts();
  const stream = new ReadableStream({
    async pull(controller) {
      const { value, done } = await iterator.next();
      if (done) controller.close();
      else controller.enqueue(value);
    },
  });
  const response = await fetch(target.url, {
    method: 'POST',
    headers: {
      'Content-Type': `multipart/form-data; boundary=${boundary}`,
      'Content-Length': String(head.length + file.size + tail.length),
    },
    body: stream,
    duplex: 'half',
  });
  await response.arrayBuffer();
}
let next = 0;
await Promise.all(
  Array.from({ length: 8 }, async () => {
    while (next < files.length) await send(files[next++]);
  }),
);
const create = JSON.stringify({
  name: slug,
  slug,
  data_type: 'image',
  visibility: 'private',
  create_metadata: true,
  owner_name: owner,
});
let dataset = await json(`${base}/datasets/manual-upload/`, { method: 'POST', body: create });
for (let pause = 1000; dataset.status !== 'created'; pause = Math.min(pause * 2, 10_000)) {
  await sleep(pause);
  dataset = await json(`${base}/datasets/${dataset.uid}/`);
}
const clone = JSON.stringify({
  source_project_uid: process.env.INPUT_TEMPLATE,
  name,
  copy_collaborators: true,
  image_dataset_uid: dataset.uid,
});
const project = await json(`${base}/projects/create-from-existing/`, { method: 'POST', body: clone });
const approved = await json(`${base}/projects/${project.uid}/approve/`, { method: 'POST' });
appendFileSync(process.env.GITHUB_OUTPUT, `uid=${approved.uid}\nstatus=${approved.status}\n`);
