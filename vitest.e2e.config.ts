import { defineConfig } from 'vitest/config';

// End-to-end tests: plain Node talking HTTP to a real `wrangler dev` (started once by the
// global setup), the way a member company's backend talks to a deployment.
export default defineConfig({
  test: {
    environment: 'node',
    include: ['test/e2e/**/*.test.ts'],
    globalSetup: ['./test/e2e/global-setup.ts'],
    // Starting wrangler takes seconds (more on a cold or busy machine); requests are local.
    hookTimeout: 120_000,
    testTimeout: 30_000,
  },
});
