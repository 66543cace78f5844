import { createLogger } from 'vite';
import { defineConfig } from 'vitest/config';

// @actions/workflow-parser ships source maps without their sources; vite warns once per file.
const logger = createLogger();
const warnOnce = logger.warnOnce.bind(logger);
logger.warnOnce = (message, options) => {
  if (!message.includes('points to missing source files')) warnOnce(message, options);
};

export default defineConfig({
  customLogger: logger,
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    // Its JSON schemas are imported without an import attribute, which Node refuses; vite's transform does not.
    server: { deps: { inline: ['@actions/workflow-parser'] } },
  },
});
