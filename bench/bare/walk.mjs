// The floor for planning an upload: every file of the directory found and its size read, nothing else.
import { appendFileSync } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';

const dir = process.env.BENCH_DIR;
let bytes = 0;
const names = await readdir(dir);
for (const name of names) bytes += (await stat(join(dir, name))).size;
appendFileSync(process.env.GITHUB_OUTPUT, `files=${names.length}\nbytes=${bytes}\n`);
