/**
 * `npm run demo`: the action's main job against the emulator, no account and no
 * network. Runs the built dist/index.js exactly as the runner would, over a
 * checkout of three dataset directories: the plan (two to create, one not
 * uploaded yet), the upload of the missing one, the apply step that makes and
 * approves the three projects, a re-run that changes nothing, then a pause and
 * a resume of all three in one step each. Prints each step's log and outputs.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DATASETS, KEYS, TEMPLATES } from '../emulator/seed.ts';
import { startEmulator } from '../emulator/server.ts';
import { DIST, logLines, runAction } from '../test/support/run-action.ts';

const emulator = await startEmulator();
const common = { 'base-url': emulator.url, 'api-key': KEYS.pro, owner: 'acme' };
const shown = ['uid', 'status', 'created', 'changed', 'count', 'uids', 'created-uids', 'missing-datasets', 'failed'];
// The checkout: two directories Avala has, one it has not seen yet.
const workspace = await mkdtemp(join(tmpdir(), 'avala-demo-'));
for (const dir of [DATASETS.street, DATASETS.street2, 'street-2026-w49']) {
  await mkdir(join(workspace, 'datasets', dir), { recursive: true });
  await writeFile(join(workspace, 'datasets', dir, '0001.jpg'), '');
}
const checkout = { GITHUB_WORKSPACE: workspace, GITHUB_EVENT_NAME: 'push' };

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
    await rm(workspace, { recursive: true, force: true });
    process.exit(1);
  }
  return run.outputs;
}

console.log(`Avala emulator on ${emulator.url}; running dist/index.js as a workflow step would.`);
const projects = { template: TEMPLATES.image, 'dataset-dirs': 'datasets/*', approve: 'true' };
const plan = await step('Plan (dry run): what the push would make', { ...projects, 'dry-run': 'true' }, checkout);
for (const dir of (plan['missing-datasets'] ?? '').split('\n').filter(Boolean)) {
  // What `avala datasets upload --source DIR --name … --slug … --owner acme --data-type image` does.
  const slug = dir.slice(dir.lastIndexOf('/') + 1);
  console.log(`\n━━ Upload ${dir} (the workflow's avala datasets upload step)`);
  const dataset = emulator.datasets.add({ slug, status: 'creating', readsLeft: 1 });
  console.log(`   → dataset acme/${slug} (${dataset.uid}), ${dataset.status} while Avala ingests it`);
}
const made = await step(
  'Apply: one approved project per directory, once Avala has ingested it',
  { ...projects, 'wait-for-dataset': '30' },
  checkout,
);
await step('The same run again (a re-run or the nightly schedule): nothing to do', projects, checkout);
await step('Pause the three projects in one step', { action: 'pause', project: made.uids ?? '' });
await step('Resume them', { action: 'resume', project: made.uids ?? '' });
const requests = emulator.calls();
console.log(
  `\nThe emulator received ${requests.length} requests; ${requests.filter((r) => r.path.endsWith('/approve/')).length} approve.`,
);
await emulator.close();
await rm(workspace, { recursive: true, force: true });
