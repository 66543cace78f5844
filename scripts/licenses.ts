/**
 * The licence notices `npm run build` writes to dist/licenses.txt: every
 * production package in package-lock.json, with the licence (and NOTICE) files
 * it ships, packages under identical texts listed together. A package without
 * a licence file fails the build, so that no notice goes missing unseen.
 */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';

interface LockEntry {
  version?: string;
  dev?: boolean;
  devOptional?: boolean;
}

/** The files whose text a notice reproduces, by the names npm packages give them. */
const NOTICE_FILE = /^(licen[cs]e|copying|notice)(\.(md|txt|markdown))?$/i;

export async function licenseNotices(root: string): Promise<string> {
  const lock = JSON.parse(await readFile(join(root, 'package-lock.json'), 'utf8')) as {
    packages: Record<string, LockEntry>;
  };
  const byText = new Map<string, Set<string>>();
  for (const [path, entry] of Object.entries(lock.packages)) {
    if (!path.startsWith('node_modules/') || entry.dev || entry.devOptional) continue;
    const name = path.slice(path.lastIndexOf('node_modules/') + 'node_modules/'.length);
    const files = (await readdir(join(root, path))).filter((file) => NOTICE_FILE.test(file)).sort();
    if (files.length === 0)
      throw new Error(`${name}@${entry.version} ships no licence file to copy into dist/licenses.txt`);
    const texts = await Promise.all(files.map((file) => readFile(join(root, path, file), 'utf8')));
    const text = texts.map((t) => t.replace(/\r\n?/g, '\n').trim()).join('\n\n');
    byText.set(text, (byText.get(text) ?? new Set()).add(`${name}@${entry.version}`));
  }
  const sections = [...byText].map(([text, names]) => {
    const listed = [...names].sort().map((n) => ` - ${n}`);
    const [which, contains] =
      listed.length === 1 ? ['package', 'This package contains'] : ['packages', 'These packages each contain'];
    return `The following npm ${which} may be included in this product:\n\n${listed.join('\n')}\n\n${contains} the following license:\n\n${text}`;
  });
  return `${sections.sort().join('\n\n-----------\n\n')}\n\n-----------\n\nThis file was written by scripts/licenses.ts (npm run build).\n`;
}
