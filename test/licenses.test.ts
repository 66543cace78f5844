/** dist/licenses.txt as `npm run build` writes it (scripts/licenses.ts): a notice for every production package. */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { licenseNotices } from '../scripts/licenses.ts';
import { ROOT } from './support/run-action.ts';

const dirs: string[] = [];
afterEach(async () => {
  for (const dir of dirs.splice(0)) await rm(dir, { recursive: true });
});

/** A checkout whose lock holds these packages, each with the files given. */
async function checkout(packages: Record<string, { dev?: boolean; files: Record<string, string> }>) {
  const root = await mkdtemp(join(tmpdir(), 'licenses-'));
  dirs.push(root);
  const lock = { packages: { '': {} } as Record<string, object> };
  for (const [path, { dev, files }] of Object.entries(packages)) {
    lock.packages[path] = { version: '1.0.0', ...(dev ? { dev } : {}) };
    await mkdir(join(root, path), { recursive: true });
    for (const [file, text] of Object.entries(files)) await writeFile(join(root, path, file), text);
  }
  await writeFile(join(root, 'package-lock.json'), JSON.stringify(lock));
  return root;
}

describe('licence notices', () => {
  it("name this project's every production package, with its version", async () => {
    const notices = await licenseNotices(ROOT);
    for (const name of ['@actions/core', '@octokit/core', 'before-after-hook', 'undici', 'tunnel']) {
      expect(notices).toMatch(new RegExp(`^ - ${name}@\\d+\\.\\d+\\.\\d+$`, 'm'));
    }
    expect(notices).toContain('Apache License');
    expect(notices).not.toMatch(/^ - (vitest|@biomejs\/biome|typescript)@/m);
  });

  it('list packages under one identical text together, nested copies and NOTICE files included', async () => {
    const root = await checkout({
      'node_modules/a': { files: { LICENSE: 'MIT text\r\n' } },
      'node_modules/a/node_modules/b': { files: { 'LICENSE.md': 'MIT text' } },
      'node_modules/c': { files: { LICENSE: 'Apache text', NOTICE: 'Copyright C' } },
      'node_modules/d': { dev: true, files: {} },
    });
    expect(await licenseNotices(root)).toBe(
      [
        'The following npm package may be included in this product:\n\n - c@1.0.0\n\nThis package contains the following license:\n\nApache text\n\nCopyright C',
        'The following npm packages may be included in this product:\n\n - a@1.0.0\n - b@1.0.0\n\nThese packages each contain the following license:\n\nMIT text',
        'This file was written by scripts/licenses.ts (npm run build).\n',
      ].join('\n\n-----------\n\n'),
    );
  });

  it('fail the build for a production package without a licence file', async () => {
    const root = await checkout({ 'node_modules/bare': { files: { 'README.md': 'no licence' } } });
    await expect(licenseNotices(root)).rejects.toThrow(
      'bare@1.0.0 ships no licence file to copy into dist/licenses.txt',
    );
  });
});
