/**
 * `npm run build`: dist/ from src/, which is what workflows run.
 *
 * 1. Declares @actions/core free of side effects (scripts/mark-side-effect-free.ts), so ncc prunes what it does not use.
 * 2. Bundles with ncc, minified, into a fresh folder that then replaces dist/: a chunk the bundle no longer
 *    needs cannot stay behind, and a build that fails leaves dist/ as it was.
 * 3. Minifies the chunks loaded on demand (the undici package, for proxies), which ncc leaves readable.
 * 4. Writes the licence notices of every production dependency (scripts/licenses.ts).
 */
import { execFileSync } from 'node:child_process';
import { readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { transform } from 'esbuild';
import { licenseNotices } from './licenses.ts';

const root = fileURLToPath(new URL('../', import.meta.url));
const dist = `${root}dist/`;
const bin = (name: string) => `${root}node_modules/.bin/${name}`;
const run = (file: string, args: string[]) => execFileSync(file, args, { cwd: root, stdio: 'inherit' });

run(process.execPath, [`${root}scripts/mark-side-effect-free.ts`]);
const fresh = `${root}build/dist-next/`;
await rm(fresh, { recursive: true, force: true });
run(bin('ncc'), ['build', 'src/index.ts', '-o', fresh, '--minify', '--quiet']);
await writeFile(`${fresh}licenses.txt`, await licenseNotices(root));
await rm(dist, { recursive: true, force: true });
await rename(fresh, dist);
for (const file of await readdir(dist)) {
  if (!file.endsWith('.js') || file === 'index.js') continue;
  const source = await readFile(`${dist}${file}`, 'utf8');
  const { code } = await transform(source, { format: 'esm', minify: true, target: 'node24', legalComments: 'none' });
  await writeFile(`${dist}${file}`, code);
}
