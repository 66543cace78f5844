import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    // Lets Node load @actions/workflow-parser, whose JSON imports lack an import attribute.
    setupFiles: ['test/support/json-imports.ts'],
  },
});
