import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    // Most of a test file's time is spent waiting on sockets and timers, not on a core: five files at once
    // keep a 2-core machine busy (vitest's default there is one file at a time). Worker threads start and
    // import faster than forked processes; each has its own process.env, which runInProcess sets and restores.
    maxWorkers: 5,
    pool: 'threads',
    // A worker imports src/ once for all its files, not once per file: half the suite's CPU was imports. No
    // test mocks modules or leaves global state behind (runInProcess restores process.env; emulators close).
    isolate: false,
    // Lets Node load @actions/workflow-parser, whose JSON imports lack an import attribute.
    setupFiles: ['test/support/json-imports.ts'],
  },
});
