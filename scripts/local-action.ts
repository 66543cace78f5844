/**
 * `npm run local-action`: runs src/main.ts with GitHub's @github/local-action
 * against the emulator at the inputs' base-url (port 8787 in .env.example): the
 * one `npm run emulator` runs, else one this script starts for the run. Inputs
 * come from .env when it exists, else from .env.example.
 */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { parseEnv } from 'node:util';
import { PortInUse } from '../emulator/port.ts';
import { type LocalEmulator, localEmulator } from './local-emulator.ts';

const envFile = existsSync('.env') ? '.env' : '.env.example';
const baseUrl = parseEnv(readFileSync(envFile, 'utf8'))['INPUT_BASE-URL'];

async function run(emulator: LocalEmulator): Promise<number> {
  console.log(emulator.note);
  const child = spawn('local-action', ['run', '.', 'src/main.ts', envFile], { stdio: 'inherit' });
  const code = await new Promise<number>((resolve) => child.on('exit', (status) => resolve(status ?? 1)));
  await emulator.started?.close();
  return code;
}

try {
  process.exitCode = await run(await localEmulator(baseUrl, envFile));
} catch (error) {
  if (!(error instanceof PortInUse)) throw error;
  console.error(error.message);
  process.exitCode = 1;
}
