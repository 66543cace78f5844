/**
 * `npm run emulator` and `npm run local-action` as a newcomer runs them, one
 * after the other on port 8787: a port in use is one line and exit code 1, and
 * local-action uses an emulator that is already running instead of failing.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { KEYS } from '../emulator/seed.ts';
import { startEmulator } from '../emulator/server.ts';
import { localEmulator } from '../scripts/local-emulator.ts';
import { closedPort } from './support/servers.ts';

const ROOT = resolve(import.meta.dirname, '..');
const closers: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const close of closers.splice(0)) await close();
});

/** A port held by a program that is not the emulator. */
async function takenPort(): Promise<number> {
  const server: Server = createServer((socket) => socket.destroy());
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  closers.push(() => new Promise((done) => server.close(done)));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

/** Runs a script with the Node the tests run on; resolves however it exits. */
async function script(file: string, args: string[], cwd = ROOT) {
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, [join(ROOT, file), ...args], { cwd });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

describe('a port in use', () => {
  it('npm run emulator on a port another program holds: one line, exit code 1', async () => {
    const port = await takenPort();
    const r = await script('emulator/main.ts', ['--port', String(port)]);
    expect(r).toEqual({
      code: 1,
      stdout: '',
      stderr: `Port ${port} is in use by another program: stop it, or start the emulator on another port with npm run emulator -- --port ${port + 1}.\n`,
    });
  });

  it('npm run emulator where an emulator already runs says so in one line, exit code 1', async () => {
    const running = await startEmulator({ rateLimit: false });
    closers.push(() => running.close());
    const port = new URL(running.url).port;
    const r = await script('emulator/main.ts', ['--port', port]);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(
      `Port ${port} is in use by an Avala emulator already running (npm run emulator or npm run local-action): use that one, or stop it, or start another with npm run emulator -- --port ${Number(port) + 1}.\n`,
    );
  });

  it('npm run local-action whose base-url port another program holds: one line, exit code 1', async () => {
    const port = await takenPort();
    const dir = await mkdtemp(join(tmpdir(), 'local-action-'));
    closers.push(() => rm(dir, { recursive: true }));
    await writeFile(join(dir, '.env'), `INPUT_BASE-URL=http://127.0.0.1:${port}/api/v1\n`);
    const r = await script('scripts/local-action.ts', [], dir);
    expect(r).toEqual({
      code: 1,
      stdout: '',
      stderr: `Port ${port} is in use by a program that is not the Avala emulator: stop it, or set another port in INPUT_BASE-URL in .env.\n`,
    });
  });
});

describe('the emulator local-action runs against', () => {
  it('npm run local-action while npm run emulator runs: the action runs against that emulator', async () => {
    const running = await startEmulator({ rateLimit: false });
    closers.push(() => running.close());
    const dir = await mkdtemp(join(tmpdir(), 'local-action-'));
    closers.push(() => rm(dir, { recursive: true }));
    const inputs = { 'BASE-URL': running.url, 'API-KEY': KEYS.pro, ACTION: 'list', OWNER: 'acme', LIMIT: '2' };
    await writeFile(
      join(dir, '.env'),
      Object.entries(inputs)
        .map(([k, v]) => `INPUT_${k}=${v}\n`)
        .join(''),
    );
    const r = await script('scripts/local-action.ts', [], dir);
    expect(r.code, r.stdout).toBe(0);
    const lines = r.stdout.split('\n');
    expect(lines[0]).toBe(`Using the Avala emulator already running on ${running.origin}; inputs from .env.`);
    expect(lines).toContain('→ count: 2');
    expect(running.calls('GET')).toHaveLength(1);
  });

  it('is the one already running at base-url, left running after', async () => {
    const running = await startEmulator({ rateLimit: false });
    closers.push(() => running.close());
    const found = await localEmulator(running.url, '.env.example');
    expect(found).toEqual({
      note: `Using the Avala emulator already running on ${running.origin}; inputs from .env.example.`,
    });
  });

  it('is started on base-url’s port when nothing listens there', async () => {
    const port = await closedPort();
    const found = await localEmulator(`http://127.0.0.1:${port}/api/v1`, '.env');
    closers.push(async () => found.started?.close());
    expect(found.note).toBe(`Avala emulator on http://127.0.0.1:${port}/api/v1; inputs from .env.`);
    expect(found.started?.url).toBe(`http://127.0.0.1:${port}/api/v1`);
  });

  it('is none when base-url is not on this machine', async () => {
    expect(await localEmulator('https://api.avala.ai/api/v1', '.env')).toEqual({
      note: 'Inputs from .env; its INPUT_BASE-URL is not on this machine, so no emulator is started.',
    });
  });
});
