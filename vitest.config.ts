import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    // Its JSON schemas are imported without an import attribute, which Node refuses; vite's transform does not.
    server: { deps: { inline: ['@actions/workflow-parser'] } },
  },
});
