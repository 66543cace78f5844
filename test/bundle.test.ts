/**
 * The tests of the committed bundle: dist/index.js, as workflows run it,
 * does the main job end to end. Everything else runs the source, so that a
 * stale bundle cannot make a test pass; CI rebuilds dist/ and fails when it differs.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { DATASET, KEYS, TEMPLATES } from '../emulator/seed.ts';
import { type Emulator, startEmulator } from '../emulator/server.ts';
import { DIST, runAction } from './support/run-action.ts';
import { startProxy } from './support/servers.ts';

let emu: Emulator;
beforeAll(async () => {
  emu = await startEmulator({ rateLimit: false });
});
afterAll(() => emu.close());

it('dist/index.js clones with owner and approves, then a re-run reuses the project', async () => {
  const inputs = {
    'base-url': emu.url,
    'api-key': KEYS.pro,
    template: TEMPLATES.image,
    dataset: DATASET,
    name: 'Bundle smoke',
    owner: 'acme',
    approve: 'true',
  };
  const first = await runAction(inputs, { entry: DIST });
  expect(first.exitCode, first.stdout).toBe(0);
  expect(first.stderr).toBe('');
  expect(first.stdout.split('\n')[0]).toBe(`::add-mask::${KEYS.pro}`);
  expect(first.outputs).toMatchObject({ status: 'active', created: 'true', changed: 'true' });
  expect(first.summary).toContain('<h3>✅ Avala: clone template');

  const again = await runAction(inputs, { entry: DIST });
  expect(again.exitCode).toBe(0);
  expect(again.outputs).toMatchObject({ uid: first.outputs.uid, created: 'false', changed: 'false' });
  expect(emu.calls('POST', '/approve/')).toHaveLength(1);
  expect(emu.calls('POST', '/create-from-existing/')).toHaveLength(1);
});

it('dist/index.js loads its minified undici chunk to go through HTTP_PROXY', async () => {
  const proxy = await startProxy();
  try {
    const r = await runAction(
      { 'base-url': emu.url, 'api-key': KEYS.pro, action: 'list', owner: 'acme', limit: '2' },
      { entry: DIST, env: { HTTP_PROXY: proxy.url } },
    );
    expect(r.exitCode, r.stdout).toBe(0);
    expect(r.outputs.count).toBe('2');
    expect(proxy.seen).toEqual([`GET ${emu.url}/projects/acme/?limit=2`]);
  } finally {
    await proxy.close();
  }
});
