/**
 * `npm run bench`: the action against the floor, a bare Node script sending the
 * same requests with the built-in fetch, side by side in one run against the
 * emulator on loopback. Runs alternate (action, bare, bare, action, …) so that
 * drift in the machine's load falls on both; the table gives medians.
 *
 * BENCH_RUNS sets the runs per side (default 15, at least 10).
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { link, mkdir, mkdtemp, open, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { REPOSITORY, startGitHubEmulator, WORKFLOW_TOKEN } from '../emulator/github.ts';
import { DATASET, KEYS, TEMPLATES } from '../emulator/seed.ts';
import { startEmulator } from '../emulator/server.ts';
import { DIST, PUSH_EVENT, ROOT, runnerEnv } from '../test/support/run-action.ts';

const RUNS = Math.max(10, Number(process.env.BENCH_RUNS ?? 15));
const TIME = '/usr/bin/time';
const here = fileURLToPath(new URL('.', import.meta.url));

interface Sample {
  ms: number;
  rssKb: number;
  connections: number;
  /** Requests the Avala emulator received, and GitHub's. */
  requests: number;
  github: number;
}

if (!existsSync(TIME)) {
  console.error(`${TIME} (GNU time, for peak RSS) is missing: install it with 'apt-get install time'.`);
  process.exit(1);
}

const emulator = await startEmulator({ rateLimit: false });
const github = await startGitHubEmulator();
// The long list belongs to another owner, so that the clones' name lookups stay small.
emulator.addProjects('dev@acme.com', 10_000);
// An owner of 1,000 projects, "Bulk 00001" to "Bulk 01000", and checkouts of dataset directories: 500 of
// those projects' datasets (every other one), and 3.
emulator.addProjects('basicco', 1000, 'Bulk');
const root = await mkdtemp(join(tmpdir(), 'avala-bench-ws-'));
async function checkout(name: string, dirs: string[]): Promise<string> {
  for (const dir of dirs) await mkdir(join(root, name, 'datasets', dir), { recursive: true });
  return join(root, name);
}
const number = (n: number) => String(n).padStart(5, '0');
const ws500 = await checkout(
  '500',
  Array.from({ length: 500 }, (_, i) => number(2 * i + 1)),
);
const ws3 = await checkout('3', ['00007', '00500', '00999']);
// The same 500 directories described by config files. i: one kind, basicco's image template and its names,
// as g. i2: an owner of exactly 1,000 projects named as the default pattern names them ({repo} {dataset}), so
// that the one listing also finds the orphans (the 500 projects of no directory) and the template.
emulator.addProjects('helper', 1000, 'datasets');
const helperTemplate = emulator.projectsOf('helper')[1]?.uid;
await mkdir(join(ws500, '.github'));
const kind = (template: string) => `kinds:\n  - dirs: datasets/*\n    data-type: image\n    template: ${template}\n`;
await writeFile(
  join(ws500, '.github/avala-projects.yml'),
  `owner: basicco\nname: "Bulk {dataset}"\n${kind('770a9600-a40d-63f6-c938-668877620000')}`,
);
await writeFile(
  join(ws500, '.github/orphans.yml'),
  `owner: helper\nname: "{repo} {dataset}"\n${kind(helperTemplate ?? '')}`,
);
const prEvent = join(root, 'pull_request.json');
await writeFile(
  prEvent,
  JSON.stringify({
    pull_request: {
      number: 3,
      head: { sha: 'ab'.repeat(20), repo: { full_name: REPOSITORY } },
      base: { repo: { full_name: REPOSITORY } },
    },
  }),
);

async function once(
  script: string,
  inputs: Record<string, string>,
  extraArgs: string[] = [],
  env: Record<string, string> = {},
  mayFail = false,
): Promise<Sample> {
  const dir = await mkdtemp(join(tmpdir(), 'avala-bench-'));
  try {
    const base = await runnerEnv(dir, { 'base-url': emulator.url, ...inputs });
    // A push to the default branch, unless the scenario gives an event of its own.
    await writeFile(base.GITHUB_EVENT_PATH as string, JSON.stringify(PUSH_EVENT));
    const runEnv = { ...base, ...env };
    await writeFile(runEnv.GITHUB_OUTPUT as string, '');
    await writeFile(runEnv.GITHUB_STEP_SUMMARY as string, '');
    const rssFile = join(dir, 'rss');
    const connectionsBefore = emulator.connections;
    const requestsBefore = emulator.requests.length;
    const githubBefore = github.requests.length;
    const started = performance.now();
    await new Promise<void>((resolve, reject) => {
      execFile(
        TIME,
        ['-f', '%M', '-o', rssFile, process.execPath, ...extraArgs, script],
        { env: runEnv, maxBuffer: 64 * 1024 * 1024 },
        (error, _out, stderr) => (error && !mayFail ? reject(new Error(`${script} failed: ${stderr}`)) : resolve()),
      );
    });
    const ms = performance.now() - started;
    const rssKb = Number((await readFile(rssFile, 'utf8')).trim().split('\n').at(-1));
    return {
      ms,
      rssKb,
      connections: emulator.connections - connectionsBefore,
      requests: emulator.requests.length - requestsBefore,
      github: github.requests.length - githubBefore,
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

interface Scenario {
  title: string;
  /** The floor's script under bench/bare/, or the action itself (as the other side, with other inputs). */
  bare: string | 'action';
  inputs: (i: number, side: string) => Record<string, string>;
  env?: (i: number) => Record<string, string>;
  /** Runs a side, when a run is long: the paced list takes 5 s. */
  runs?: number;
}

/** A commit per run, so that each default name ({repo}-{sha}) is new. */
const shaOf = (i: number) => `${(i + 100).toString(16).padStart(7, '0')}${'0'.repeat(33)}`;

const dirs = { 'api-key': KEYS.basic, template: TEMPLATES.image, 'dataset-dirs': 'datasets/*', owner: 'basicco' };
const scenarios: Record<'a' | 'a2' | 'b' | 'c' | 'c2' | 'g' | 'g2' | 'h' | 'i' | 'i2', Scenario> = {
  a: {
    title: 'one clone',
    bare: 'clone.mjs',
    inputs: (i, side) => ({ 'api-key': KEYS.pro, template: TEMPLATES.image, name: `bench a ${side} ${i}` }),
  },
  a2: {
    title: 'one clone with the default name',
    bare: 'clone.mjs',
    // The bare script is told the name the action derives; the action reads GITHUB_REPOSITORY and GITHUB_SHA.
    inputs: (i, side) => ({
      'api-key': KEYS.pro,
      template: TEMPLATES.image,
      ...(side === 'bare' ? { name: `datasets-${shaOf(i).slice(0, 7)}-bare` } : {}),
    }),
    env: (i) => ({ GITHUB_SHA: shaOf(i) }),
  },
  b: {
    title: 'clone with owner and approve (3 requests)',
    bare: 'clone-approve.mjs',
    inputs: (i, side) => ({
      'api-key': KEYS.pro,
      template: TEMPLATES.image,
      dataset: DATASET,
      name: `bench b ${side} ${i}`,
      owner: 'acme',
      approve: 'true',
    }),
  },
  c: {
    title: 'list of 10,000 projects (100 pages, paced at 20 a second on both sides)',
    bare: 'list.mjs',
    inputs: () => ({ 'api-key': KEYS.email, action: 'list', owner: 'dev@acme.com', limit: '10000' }),
    runs: 5,
  },
  c2: {
    title: 'list of 1,000 projects (10 pages, within one burst)',
    bare: 'list.mjs',
    inputs: () => ({ 'api-key': KEYS.email, action: 'list', owner: 'dev@acme.com', limit: '1000' }),
  },
  g: {
    title: '500 dataset directories that all have their projects, for an owner of 1,000 (the floor: its listing)',
    bare: 'list.mjs',
    inputs: (_i, side): Record<string, string> =>
      side === 'bare'
        ? { 'api-key': KEYS.basic, owner: 'basicco', limit: '1000' }
        : { ...dirs, name: 'Bulk {dataset}' },
    env: () => ({ GITHUB_WORKSPACE: ws500 }),
  },
  g2: {
    title: '3 dataset directories, for an owner of 1,000 (the floor: 3 name lookups)',
    bare: 'lookups.mjs',
    inputs: (_i, side): Record<string, string> =>
      side === 'bare'
        ? { 'api-key': KEYS.basic, owner: 'basicco', names: 'Bulk 00007\nBulk 00500\nBulk 00999' }
        : { ...dirs, name: 'Bulk {dataset}' },
    env: () => ({ GITHUB_WORKSPACE: ws3 }),
  },
  i: {
    title: 'the same 500 directories from a config file (the other side: the inputs, as g)',
    bare: 'action',
    inputs: (_i, side): Record<string, string> =>
      side === 'action'
        ? { 'api-key': KEYS.basic, config: '.github/avala-projects.yml' }
        : { ...dirs, name: 'Bulk {dataset}' },
    env: () => ({ GITHUB_WORKSPACE: ws500 }),
  },
  i2: {
    title: '500 directories from a config file with orphans, for an owner of 1,000 (the floor: its listing)',
    bare: 'list.mjs',
    inputs: (_i, side): Record<string, string> =>
      side === 'bare'
        ? { 'api-key': KEYS.coworker, owner: 'helper', limit: '1000' }
        : { 'api-key': KEYS.coworker, config: '.github/orphans.yml', 'dry-run': 'true' },
    env: () => ({ GITHUB_WORKSPACE: ws500 }),
  },
  h: {
    title: 'a pull request plan with pr-comment (the other side: the same plan without it)',
    bare: 'action',
    inputs: (_i, side) => ({
      ...dirs,
      name: 'Bulk {dataset}',
      'dry-run': 'true',
      'pr-comment': side === 'action' ? 'true' : 'false',
      'github-token': WORKFLOW_TOKEN,
    }),
    env: () => ({
      GITHUB_WORKSPACE: ws3,
      GITHUB_EVENT_NAME: 'pull_request',
      GITHUB_EVENT_PATH: prEvent,
      GITHUB_API_URL: github.url,
    }),
  },
};

async function compare(key: keyof typeof scenarios): Promise<{ action: Sample[]; bare: Sample[] }> {
  const s = scenarios[key];
  const action: Sample[] = [];
  const bare: Sample[] = [];
  const run = async (side: 'action' | 'bare', i: number) => {
    const script = side === 'action' || s.bare === 'action' ? DIST : join(here, 'bare', s.bare);
    const sample = await once(script, s.inputs(i, side), [], s.env?.(i + (side === 'bare' ? 1000 : 0)) ?? {});
    if (i >= 0) (side === 'action' ? action : bare).push(sample);
  };
  for (let i = -2; i < (s.runs ?? RUNS); i++) {
    // Warm-up runs (i < 0) are discarded; the order alternates so neither side always goes first.
    const order: Array<'action' | 'bare'> = i % 2 === 0 ? ['action', 'bare'] : ['bare', 'action'];
    for (const side of order) await run(side, i);
  }
  return { action, bare };
}

async function bytesLoaded(): Promise<{ files: Array<[string, number]>; total: number }> {
  const dir = await mkdtemp(join(tmpdir(), 'avala-bench-load-'));
  const list = join(dir, 'loaded');
  await writeFile(list, '');
  await once(DIST, scenarios.a.inputs(0, 'load'), ['--import', join(here, 'load-hook.mjs')], {
    BENCH_LOADED_FILE: list,
  });
  const files = (await readFile(list, 'utf8'))
    .split('\n')
    .filter(Boolean)
    .map((line) => line.split('\t') as [string, string])
    .filter(([path]) => path.startsWith(join(ROOT, 'dist')))
    .map(([path, size]): [string, number] => [path.slice(ROOT.length), Number(size)]);
  await rm(dir, { recursive: true, force: true });
  return { files, total: files.reduce((sum, [, size]) => sum + size, 0) };
}

/** The action against a server whose answer never ends: it must stop reading at 10 MB, whatever arrives. */
async function endlessBody(): Promise<Sample[]> {
  emulator.inject({ method: 'GET', path: '/projects/endless/', times: 1000, fault: { kind: 'endless' } });
  const samples: Sample[] = [];
  for (let i = 0; i < 5; i++) {
    const inputs = { 'api-key': KEYS.pro, action: 'list', owner: 'endless', retries: '0' };
    samples.push(await once(DIST, inputs, [], {}, true));
  }
  emulator.clearFaults();
  return samples;
}

/**
 * 20 datasets with owner (a lookup and a clone each: 40 requests) against an API
 * that allows 30 requests in 10 s: the floor is the one 10 s window the limit
 * makes the batch wait for. Three runs, each on a fresh window; 429s counted.
 */
async function batch(): Promise<{ samples: Sample[]; floorMs: number; throttled: number }> {
  const limited = await startEmulator({ rateLimit: { limit: 30, windowMs: 10_000 } });
  const datasets = Array.from(
    { length: 20 },
    (_, i) => `${DATASET.slice(0, -2)}${String(i + 1).padStart(2, '0')}`,
  ).join('\n');
  const samples: Sample[] = [];
  let throttled = 0;
  for (let i = 0; i < 3; i++) {
    limited.reset();
    const inputs = { 'base-url': limited.url, 'api-key': KEYS.pro, template: TEMPLATES.image, dataset: datasets };
    samples.push(await once(DIST, { ...inputs, owner: 'acme', name: `batch ${i} {dataset}` }));
    throttled += limited.calls().filter((q) => q.status === 429).length;
  }
  await limited.close();
  return { samples, floorMs: (Math.ceil(40 / 30) - 1) * 10_000, throttled };
}

/**
 * Uploads. Each run uploads a directory of its own, hard links to the same files (which the action reads as
 * the regular files they are), so that no run finds the dataset of another.
 */
const uploads = join(root, 'uploads');
async function linkedCheckout(source: string, name: string): Promise<{ ws: string; dir: string }> {
  const ws = join(uploads, name);
  const dir = join(ws, 'datasets', name);
  await mkdir(dir, { recursive: true });
  for (const file of await readdir(source)) await link(join(source, file), join(dir, file));
  return { ws, dir };
}
async function sourceOf(name: string, count: number, write: (file: string) => Promise<void>): Promise<string> {
  const dir = join(uploads, name);
  await mkdir(dir, { recursive: true });
  for (let i = 0; i < count; i++) await write(join(dir, `${String(i).padStart(5, '0')}.bin`));
  return dir;
}
const uploadInputs = {
  'api-key': KEYS.pro,
  template: TEMPLATES.image,
  'dataset-dirs': 'datasets/*',
  owner: 'acme',
  upload: 'true',
  'data-type': 'image',
  approve: 'true',
  mode: 'apply',
};

/** Runs of the action and the bare protocol script, alternating, each over a fresh directory of `source`'s files. */
async function uploadCompare(source: string, runs: number): Promise<{ action: Sample[]; bare: Sample[] }> {
  const out = { action: [] as Sample[], bare: [] as Sample[] };
  for (let i = 0; i < runs; i++) {
    const order: Array<'action' | 'bare'> = i % 2 === 0 ? ['action', 'bare'] : ['bare', 'action'];
    for (const side of order) {
      const { ws, dir } = await linkedCheckout(source, `u-${side}-${basenameOf(source)}-${i}`);
      const script = side === 'action' ? DIST : join(here, 'bare', 'upload.mjs');
      out[side].push(await once(script, uploadInputs, [], { GITHUB_WORKSPACE: ws, BENCH_DIR: dir }));
      await rm(ws, { recursive: true, force: true });
    }
  }
  return out;
}
const basenameOf = (path: string) => path.split('/').at(-1) ?? '';

// A dataset made by an upload is ready at its first read: both sides then wait the same one second for it.
emulator.uploads.readiness = { afterMs: 0 };
const megabyte = Buffer.alloc(1024 * 1024, 7);
const small200 = await sourceOf('m200', 200, (file) => writeFile(file, megabyte));
const huge = await sourceOf('g2', 2, async (file) => {
  // Sparse: 1 GB read from disk in no time, so the figure is the action's memory, not the disk's speed.
  const handle = await open(file, 'w');
  await handle.truncate(1024 ** 3);
  await handle.close();
});
const many = join(uploads, 'many', 'datasets', 'k20000');
await mkdir(many, { recursive: true });
for (let i = 0; i < 20_000; i++)
  await writeFile(join(many, `${String(i).padStart(5, '0')}.json`), '{"label":"x"}'.repeat(20));
const uploadRuns = {
  u: await uploadCompare(small200, 3),
  u2: await uploadCompare(huge, 2),
};
const planned = { action: [] as Sample[], bare: [] as Sample[] };
for (let i = 0; i < 5; i++) {
  const env = { GITHUB_WORKSPACE: join(uploads, 'many'), BENCH_DIR: many };
  planned.action.push(await once(DIST, { ...uploadInputs, mode: 'plan' }, [], env));
  planned.bare.push(await once(join(here, 'bare', 'walk.mjs'), {}, [], env));
}

const results = {
  a: await compare('a'),
  a2: await compare('a2'),
  b: await compare('b'),
  c: await compare('c'),
  c2: await compare('c2'),
  g: await compare('g'),
  g2: await compare('g2'),
  h: await compare('h'),
  i: await compare('i'),
  i2: await compare('i2'),
};
const batched = await batch();
const endless = await endlessBody();
const loaded = await bytesLoaded();
await emulator.close();
await github.close();
await rm(root, { recursive: true, force: true });

type Row = [string, string, string, string, string, string];
const rows: Row[] = [];
/** Sets the last row's note. */
const noteLast = (note: string) => {
  const at = rows.at(-1);
  if (at) at[5] = note;
};
const ms = (v: number) => `${v.toFixed(0)} ms`;
const mb = (kb: number) => `${(kb / 1024).toFixed(1)} MB`;
function row(label: string, action: number, bare: number, format: (v: number) => string, target: number | undefined) {
  const ratio = action / bare;
  const verdict =
    target === undefined ? '' : ratio <= target ? `≤ ${target.toFixed(2)}× ✓` : `≤ ${target.toFixed(2)}× ✗`;
  rows.push([label, format(action), format(bare), `${ratio.toFixed(2)}×`, verdict, '']);
}
const med = (samples: Sample[], field: keyof Sample) => median(samples.map((s) => s[field]));

row('a. one clone: wall time', med(results.a.action, 'ms'), med(results.a.bare, 'ms'), ms, 1.3);
row('a. one clone: peak RSS', med(results.a.action, 'rssKb'), med(results.a.bare, 'rssKb'), mb, 1.15);
row('a2. one clone, default name: wall time', med(results.a2.action, 'ms'), med(results.a2.bare, 'ms'), ms, 1.3);
row('b. clone + owner + approve: wall time', med(results.b.action, 'ms'), med(results.b.bare, 'ms'), ms, 1.3);
row(
  'b. clone + owner + approve: peak RSS',
  med(results.b.action, 'rssKb'),
  med(results.b.bare, 'rssKb'),
  mb,
  undefined,
);
row('c. list of 10,000: wall time', med(results.c.action, 'ms'), med(results.c.bare, 'ms'), ms, 1.15);
row('c2. list of 1,000: wall time', med(results.c2.action, 'ms'), med(results.c2.bare, 'ms'), ms, 1.15);
row('c. list of 10,000: peak RSS', med(results.c.action, 'rssKb'), med(results.c.bare, 'rssKb'), mb, undefined);
rows.push([
  'c. list of 10,000: TCP connections',
  String(med(results.c.action, 'connections')),
  String(med(results.c.bare, 'connections')),
  '',
  med(results.c.action, 'connections') === 1 ? '1 ✓' : '1 ✗',
  '',
]);
rows.push([
  'd. JavaScript loaded before the first request',
  `${(loaded.total / 1024).toFixed(0)} kB`,
  '',
  '',
  '',
  loaded.files.map(([f, size]) => `${f} ${(size / 1024).toFixed(0)} kB`).join(', '),
]);

const requestsRow = (label: string, samples: Sample[], field: 'requests' | 'github', max: number) => {
  const n = Math.max(...samples.map((sample) => sample[field]));
  rows.push([label, String(n), '', '', n <= max ? `≤ ${max} ✓` : `≤ ${max} ✗`, 'the most of any run']);
};
row('g. 500 directories, all done: wall time', med(results.g.action, 'ms'), med(results.g.bare, 'ms'), ms, 1.3);
requestsRow('g. 500 directories, all done: requests', results.g.action, 'requests', 10);
row('g2. 3 directories, all done: wall time', med(results.g2.action, 'ms'), med(results.g2.bare, 'ms'), ms, 1.3);
requestsRow('g2. 3 directories, all done: requests', results.g2.action, 'requests', 3);
const configMs = med(results.i.action, 'ms') - med(results.i.bare, 'ms');
rows.push([
  'i. 500 directories from a config file / from the inputs: wall time',
  ms(med(results.i.action, 'ms')),
  ms(med(results.i.bare, 'ms')),
  `+${ms(configMs)}`,
  configMs < 50 ? '< +50 ms ✓' : '< +50 ms ✗',
  'reading, parsing and checking the file, the YAML parser loaded',
]);
requestsRow('i. 500 directories from a config file: requests', results.i.action, 'requests', 10);
// Beside the bare listing, for scale: the targets here are the requests and the file's cost (row i).
row(
  'i2. 500 directories, config with orphans: wall time',
  med(results.i2.action, 'ms'),
  med(results.i2.bare, 'ms'),
  ms,
  undefined,
);
requestsRow('i2. 500 directories, config with orphans: requests', results.i2.action, 'requests', 10);
row('h. plan with pr-comment / without: wall time', med(results.h.action, 'ms'), med(results.h.bare, 'ms'), ms, 1.3);
requestsRow('h. plan with pr-comment: GitHub requests', results.h.action, 'github', 2);

row('e. 20 datasets at 30 requests / 10 s: wall time', med(batched.samples, 'ms'), batched.floorMs, ms, 1.15);
const last = rows.at(-1);
if (last) {
  last[2] = `${ms(batched.floorMs)} (limit)`;
  last[5] = `${batched.throttled} × 429 in ${batched.samples.length} runs (target 0)${batched.throttled === 0 ? ' ✓' : ' ✗'}`;
}

row(
  'u. upload of 200 files of 1 MB, 8 at once, to the clone: wall time',
  med(uploadRuns.u.action, 'ms'),
  med(uploadRuns.u.bare, 'ms'),
  ms,
  1.25,
);
noteLast('paced at 20 Avala requests a second on both sides; 3 runs a side');
// The name lookup, the dataset read, 200 presigns, the create, one readiness read, the clone and its approve.
requestsRow('u. upload of 200 files: Avala requests', uploadRuns.u.action, 'requests', 206);
const hugePeak = Math.max(...uploadRuns.u2.action.map((sample) => sample.rssKb));
rows.push([
  'u2. upload of two 1 GB files: highest peak RSS of 2 runs',
  mb(hugePeak),
  mb(Math.max(...uploadRuns.u2.bare.map((sample) => sample.rssKb))),
  '',
  hugePeak <= 150 * 1024 ? '≤ 150 MB ✓' : '≤ 150 MB ✗',
  "files streamed, never held whole (the bare script's fetch keeps a streamed body whole: nodejs/undici#4058)",
]);
const planMs = med(planned.action, 'ms');
rows.push([
  'u3. plan of a directory of 20,000 small files: wall time',
  ms(planMs),
  ms(med(planned.bare, 'ms')),
  `${(planMs / med(planned.bare, 'ms')).toFixed(2)}×`,
  planMs < 2000 ? '< 2 s ✓' : '< 2 s ✗',
  'the action with its requests; the floor lists and sizes the files',
]);

const endlessPeak = Math.max(...endless.map((sample) => sample.rssKb));
rows.push([
  'f. an endless answer body: highest peak RSS of 5 runs',
  mb(endlessPeak),
  '',
  '',
  endlessPeak < 150 * 1024 ? '< 150 MB ✓' : '< 150 MB ✗',
  'the body is read up to 10 MB, then refused',
]);

const header: Row = ['measure', 'action', 'bare fetch', 'ratio', 'target', 'notes'];
const table = [header, ['---', '---:', '---:', '---:', '---', '---'] as Row, ...rows]
  .map((r) => `| ${r.join(' | ')} |`)
  .join('\n');
const machine = `${cpus()[0]?.model ?? 'unknown CPU'}, ${cpus().length} cores, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}`;
console.log(`Medians of ${RUNS} alternating runs per side, against the emulator on loopback.`);
console.log(`Machine: ${machine}\n`);
console.log(table);
const failed = rows.filter((r) => r[4].endsWith('✗') || r[5].endsWith('✗'));
console.log(failed.length ? `\n${failed.length} target(s) missed.` : '\nEvery target met.');

if (process.argv.includes('--write-readme')) {
  // The README's figures are this run's, table and machine alike.
  const readmeFile = join(ROOT, 'README.md');
  const readme = await readFile(readmeFile, 'utf8');
  const block = `<!-- bench:start -->\n${table}\n\nMeasured on ${machine}, ${RUNS} runs a side.\n<!-- bench:end -->`;
  await writeFile(readmeFile, readme.replace(/<!-- bench:start -->[\s\S]*?<!-- bench:end -->/, block));
  console.log('README.md updated.');
}
