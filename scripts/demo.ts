/**
 * `npm run demo`: the action's main job against the emulator, no account and no
 * network. Runs the built dist/index.js exactly as the runner would: a push that
 * uploaded two dataset directories becomes two approved projects; the same push
 * again changes nothing; then the projects are paused and resumed in one step
 * each. Prints each step's log and outputs.
 */
import { fileURLToPath } from 'node:url';
import { KEYS, TEMPLATES } from '../emulator/seed.ts';
import { startEmulator } from '../emulator/server.ts';
import { DIST, logLines, runAction } from '../test/support/run-action.ts';

const emulator = await startEmulator();
const common = { 'base-url': emulator.url, 'api-key': KEYS.pro, owner: 'acme' };
const shown = ['uid', 'status', 'created', 'changed', 'count', 'uids', 'failed', 'error-code'];
// A recorded push event: two commits that upload datasets/street-2026-w47 and datasets/lidar-2026-w47.
const push = {
  GITHUB_EVENT_NAME: 'push',
  GITHUB_EVENT_PATH: fileURLToPath(new URL('../test/fixtures/events/push.json', import.meta.url)),
};

async function step(title: string, inputs: Record<string, string>, env: Record<string, string> = {}) {
  console.log(`\n━━ ${title}`);
  console.log(
    `   with: ${Object.entries(inputs)
      .map(([k, v]) => `${k}=${v.replaceAll('\n', ',')}`)
      .join(' ')}`,
  );
  const run = await runAction({ ...common, ...inputs }, { entry: DIST, env });
  for (const line of logLines(run)) console.log(`   │ ${line}`);
  for (const name of shown) {
    const value = run.outputs[name];
    if (value !== undefined) console.log(`   → ${name}: ${value.replaceAll('\n', ', ')}`);
  }
  console.log(`   exit code ${run.exitCode} in ${Math.round(run.ms)} ms`);
  if (run.exitCode !== 0) {
    await emulator.close();
    process.exit(1);
  }
  return run.outputs;
}

console.log(`Avala emulator on ${emulator.url}; running dist/index.js as a workflow step would.`);
const onPush = {
  template: TEMPLATES.image,
  'dataset-dirs': 'datasets/*',
  name: '{repo}-{dataset}',
  approve: 'true',
};
const made = await step('A push uploaded two dataset directories: one approved project each', onPush, push);
await step(
  'The same push again (a re-run): both projects are found, nothing is cloned or approved twice',
  onPush,
  push,
);
await step('Pause both projects in one step', { action: 'pause', project: made.uids ?? '' });
await step('Resume them', { action: 'resume', project: made.uids ?? '' });
await step('List what acme has', { action: 'list', limit: '5', ordering: '-created_at' });
const requests = emulator.calls();
console.log(
  `\nThe emulator received ${requests.length} requests; ${requests.filter((r) => r.path.endsWith('/approve/')).length} approve.`,
);
await emulator.close();
