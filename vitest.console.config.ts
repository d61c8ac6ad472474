import { defineConfig } from 'vitest/config';

// The console in a real browser: headless Chromium (Debian's, /usr/bin/chromium) driven by
// playwright-core against a real `wrangler dev` (the end-to-end suite's global setup starts
// it on a fresh database). One file at a time: the browser is the heavy part.
export default defineConfig({
  test: {
    environment: 'node',
    include: ['test/console/**/*.test.ts'],
    globalSetup: ['./test/e2e/global-setup.ts'],
    fileParallelism: false,
    hookTimeout: 120_000,
    testTimeout: 120_000,
  },
});
