/**
 * `npm run demo`: the action's main job against the emulator, no account and no
 * network. Runs the built dist/index.js exactly as the runner would, through
 * list → clone with approve → pause → resume, printing each step's log and outputs.
 */
import { KEYS, TEMPLATES } from '../emulator/seed.ts';
import { startEmulator } from '../emulator/server.ts';
import { DIST, logLines, runAction } from '../test/support/run-action.ts';

const emulator = await startEmulator();
const common = { 'base-url': emulator.url, 'api-key': KEYS.pro, owner: 'acme' };
const shown = ['uid', 'name', 'status', 'task-type', 'created', 'changed', 'count', 'error-code'];

async function step(title: string, inputs: Record<string, string>): Promise<Record<string, string>> {
  console.log(`\n━━ ${title}`);
  console.log(
    `   with: ${Object.entries(inputs)
      .map(([k, v]) => `${k}=${v}`)
      .join(' ')}`,
  );
  const run = await runAction({ ...common, ...inputs }, { entry: DIST });
  for (const line of logLines(run)) console.log(`   │ ${line}`);
  for (const name of shown) if (run.outputs[name] !== undefined) console.log(`   → ${name}: ${run.outputs[name]}`);
  console.log(`   exit code ${run.exitCode} in ${Math.round(run.ms)} ms`);
  if (run.exitCode !== 0) {
    await emulator.close();
    process.exit(1);
  }
  return run.outputs;
}

console.log(`Avala emulator on ${emulator.url}; running dist/index.js as a workflow step would.`);
await step('List acme’s projects', { action: 'list', limit: '5' });
const cloned = await step('Clone the image template onto a new dataset and approve it', {
  action: 'clone',
  template: TEMPLATES.image,
  dataset: '880b0700-b51e-74g7-d049-779988770000',
  name: 'Batch 2026-11-28',
  approve: 'true',
});
await step('Run the same clone again: the project is reused, not cloned or approved twice', {
  action: 'clone',
  template: TEMPLATES.image,
  dataset: '880b0700-b51e-74g7-d049-779988770000',
  name: 'Batch 2026-11-28',
  approve: 'true',
});
await step('Pause it', { action: 'pause', project: cloned.uid ?? '' });
await step('Resume it', { action: 'resume', project: cloned.uid ?? '' });
const requests = emulator.calls();
console.log(
  `\nThe emulator received ${requests.length} requests; ${requests.filter((r) => r.path.endsWith('/approve/')).length} approve.`,
);
await emulator.close();
