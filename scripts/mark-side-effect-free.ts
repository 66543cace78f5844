/**
 * Run by `npm run build` before ncc. ncc (webpack) leaves out a module the
 * bundle does not use only when the module's package declares that it has no
 * side effects. @actions/core's modules have none at load time (function and
 * class definitions), but its package.json does not say so; every bundle then
 * evaluates what it imports for OIDC tokens and platform detection: an HTTP
 * client with undici 6, tunnel, child_process. That is about 40 ms of start-up,
 * more than the request itself, for code this action never calls. Declaring the
 * package side-effect free lets ncc prune it.
 */
import { readFile, writeFile } from 'node:fs/promises';

const PACKAGES = ['@actions/core'];

for (const name of PACKAGES) {
  const file = new URL(`../node_modules/${name}/package.json`, import.meta.url);
  const manifest = JSON.parse(await readFile(file, 'utf8')) as { sideEffects?: unknown };
  if (manifest.sideEffects === false) continue;
  manifest.sideEffects = false;
  await writeFile(file, `${JSON.stringify(manifest, null, 2)}\n`);
}
