// Preloaded with --import for the bytes-loaded measure: records every module file the process loads.
import { appendFileSync, statSync } from 'node:fs';
import { registerHooks } from 'node:module';
import { fileURLToPath } from 'node:url';

const out = process.env.BENCH_LOADED_FILE;
registerHooks({
  load(url, context, nextLoad) {
    if (out && url.startsWith('file:')) {
      const path = fileURLToPath(url);
      appendFileSync(out, `${path}\t${statSync(path).size}\n`);
    }
    return nextLoad(url, context);
  },
});
