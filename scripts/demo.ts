/**
 * `npm run demo`: the action's main job against the emulators, no account and no network. Runs the built
 * dist/index.js exactly as the runner would, the one step of examples/avala.yml over a checkout that holds
 * examples/avala-projects.yml: the pull request's plan and its comment, the merge's apply (which uploads the
 * directory Avala has no dataset for, then clones onto it), a nightly re-run that changes nothing, then a pull request that asks to pause one project, and its merge. Prints each step's log,
 * outputs and, for a pull request, the comment as GitHub would show it.
 */
import { copyFile, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPOSITORY, startGitHubEmulator, WORKFLOW_TOKEN } from '../emulator/github.ts';
import { DATASETS, KEYS } from '../emulator/seed.ts';
import { startEmulator } from '../emulator/server.ts';
import { DIST, logLines, ROOT, runAction } from '../test/support/run-action.ts';

const emulator = await startEmulator();
const github = await startGitHubEmulator();
const PR = 7;
/** Lines of the comment shown: the head, the first sentence, the plan's lines and the first rows. */
const SHOWN = 12;
const shown = [
  'created',
  'changed',
  'count',
  'uids',
  'created-uids',
  'uploaded-datasets',
  'orphans',
  'missing-datasets',
  'failed',
];
// The checkout: the example's config, two image datasets and a LiDAR one that Avala has, a new directory of
// images that it has not, and a project a person made by hand that the config adopts.
const workspace = await mkdtemp(join(tmpdir(), 'avala-demo-'));
const config = join(workspace, '.github/avala-projects.yml');
await mkdir(join(workspace, '.github'));
await copyFile(join(ROOT, 'examples/avala-projects.yml'), config);
for (const dir of [`images/${DATASETS.street}`, `images/${DATASETS.street2}`, `lidar/${DATASETS.lidar}`]) {
  await mkdir(join(workspace, 'datasets', dir), { recursive: true });
  await writeFile(join(workspace, 'datasets', dir, '0001.jpg'), '');
}
const fresh = join(workspace, 'datasets/images/street-2026-w49');
await mkdir(join(fresh, 'left'), { recursive: true });
for (const [i, path] of ['0001.jpg', '0002.jpg', 'left/0003.jpg'].entries()) {
  await writeFile(join(fresh, path), Buffer.alloc(150_000 * (i + 1)));
}
emulator.addProject({ uid: '61e18534-a40d-63f6-c938-668877660042', name: 'Lot by hand', status: 'active' });
const prEvent = join(workspace, 'pull-request.json');
const head = { sha: 'c0ffee0123456789abcdef0123456789abcdef01', repo: { full_name: REPOSITORY } };
await writeFile(
  prEvent,
  JSON.stringify({ pull_request: { number: PR, head, base: { repo: { full_name: REPOSITORY } } } }),
);
const pullRequest = {
  GITHUB_EVENT_NAME: 'pull_request',
  GITHUB_REF: `refs/pull/${PR}/merge`,
  GITHUB_EVENT_PATH: prEvent,
};
const runner = {
  GITHUB_WORKSPACE: workspace,
  GITHUB_API_URL: github.url,
  GITHUB_WORKFLOW: 'Avala projects',
  GITHUB_JOB: 'avala',
  GITHUB_ACTION: 'avala',
  GITHUB_RUN_ID: '4242',
};

async function step(title: string, env: Record<string, string> = {}) {
  console.log(`\n━━ ${title}`);
  const inputs = {
    'base-url': emulator.url,
    'api-key': KEYS.pro,
    config: '.github/avala-projects.yml',
    'pr-comment': 'true',
  };
  const run = await runAction(
    { ...inputs, 'github-token': WORKFLOW_TOKEN },
    { entry: DIST, env: { ...runner, ...env } },
  );
  for (const line of logLines(run)) console.log(`   │ ${line}`);
  for (const name of shown) {
    const value = run.outputs[name];
    // One per line, as the outputs hold them.
    if (value) console.log(`   → ${name}: ${value.replaceAll('\n', '\n       ')}`);
  }
  const comment = env.GITHUB_EVENT_NAME === 'pull_request' ? github.comments(PR).at(-1) : undefined;
  if (comment) {
    const text = asText(comment.body);
    console.log(
      `   ✉ the pull request's comment (${github.comments(PR).length} in all), as text, its first ${SHOWN} lines of ${text.length}:`,
    );
    for (const line of text.slice(0, SHOWN)) console.log(`   ✉ ${line}`);
  }
  console.log(`   exit code ${run.exitCode} in ${Math.round(run.ms)} ms`);
  if (run.exitCode !== 0) await stop(1);
}

/** The comment's HTML as a reader sees it, roughly: one line per heading, paragraph, item and row. */
function asText(html: string): string[] {
  return html
    .replace(/<!--.*?-->/gs, '')
    .replace(/<\/(h3|p|li|tr|summary)>/g, '\n')
    .replace(/<\/t[dh]>/g, ' | ')
    .replace(/<[^>]+>/g, '')
    .replace(/&#(\d+);/g, (_, n: string) => String.fromCharCode(Number(n)))
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean);
}

async function stop(code: number): Promise<never> {
  await emulator.close();
  await github.close();
  await rm(workspace, { recursive: true, force: true });
  process.exit(code);
}

console.log(
  `Avala emulator on ${emulator.url}, GitHub's on ${github.url}; running dist/index.js as the workflow's step.`,
);
await step('Pull request: mode auto plans, and the plan is the comment', pullRequest);
await step('Merge: the push to main applies the plan');
await step('Nightly (schedule): a re-run that changes nothing', { GITHUB_EVENT_NAME: 'schedule' });
const pause = `${await readFile(config, 'utf8')}  ${DATASETS.street2}: { status: paused }\n`;
await writeFile(config, pause);
await step(`Pull request: the file asks to pause ${DATASETS.street2}; the same comment is edited`, pullRequest);
await step('Merge: the pause is sent, before anything else');
const requests = emulator.calls();
const count = (end: string) => requests.filter((r) => r.path.endsWith(end)).length;
console.log(
  `\nThe emulator received ${requests.length} requests (${count('/approve/')} approve, ${count('/pause/')} pause, ${count('/file-upload-url/')} upload targets) and ${emulator.storageRequests.length} files on its storage targets.`,
);
await stop(0);
