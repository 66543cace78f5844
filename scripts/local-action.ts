/**
 * `npm run local-action`: runs the action from src/ once, as a workflow step
 * would (test/support/run-action.ts gives it the runner's environment), with
 * the inputs and variables of .env, else .env.example, against the emulator at
 * their INPUT_BASE-URL: the one `npm run emulator` runs, else one this script
 * starts for the run. Prints the log, the outputs, the job summary and the exit code.
 */
import { existsSync, readFileSync } from 'node:fs';
import { parseEnv } from 'node:util';
import { PortInUse } from '../emulator/port.ts';
import { runAction } from '../test/support/run-action.ts';
import { localEmulator } from './local-emulator.ts';

const envFile = existsSync('.env') ? '.env' : '.env.example';
const inputs: Record<string, string> = {};
const env: Record<string, string> = {};
for (const [name, value = ''] of Object.entries(parseEnv(readFileSync(envFile, 'utf8')))) {
  // The runner names an input INPUT_ and its name upper-cased; runAction does the same again.
  if (name.startsWith('INPUT_')) inputs[name.slice('INPUT_'.length).toLowerCase()] = value;
  else env[name] = value;
}

async function run(): Promise<number> {
  const emulator = await localEmulator(inputs['base-url'], envFile);
  console.log(emulator.note);
  try {
    const step = await runAction(inputs, { env });
    // As the runner shows a log: masks and groups are its own business, debug lines only when RUNNER_DEBUG is 1.
    const hidden = env.RUNNER_DEBUG === '1' ? /^::(add-mask|group|endgroup)::/ : /^::(add-mask|group|endgroup|debug)::/;
    for (const line of step.stdout.split('\n')) if (line && !hidden.test(line)) console.log(`│ ${line}`);
    if (step.stderr) process.stderr.write(step.stderr);
    for (const [name, value] of Object.entries(step.outputs))
      console.log(`→ ${name}: ${value.replaceAll('\n', '\n    ')}`);
    if (step.summary) console.log(`\nJob summary (GITHUB_STEP_SUMMARY):\n${step.summary}`);
    console.log(`exit code ${step.exitCode} in ${Math.round(step.ms)} ms`);
    return step.exitCode;
  } finally {
    await emulator.started?.close();
  }
}

try {
  process.exitCode = await run();
} catch (error) {
  if (!(error instanceof PortInUse)) throw error;
  console.error(error.message);
  process.exitCode = 1;
}
