/**
 * `npm run local-action`: runs src/main.ts with GitHub's @github/local-action
 * against the emulator, which this script starts on port 8787. Inputs come from
 * .env when it exists, else from .env.example.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { startEmulator } from '../emulator/server.ts';

const envFile = existsSync('.env') ? '.env' : '.env.example';
const emulator = await startEmulator({ port: 8787 });
console.log(`Avala emulator on ${emulator.url}; inputs from ${envFile}`);

const child = spawn('local-action', ['run', '.', 'src/main.ts', envFile], { stdio: 'inherit' });
const code = await new Promise<number>((resolve) => child.on('exit', (status) => resolve(status ?? 1)));
await emulator.close();
process.exitCode = code;
