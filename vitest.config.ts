import { cloudflareTest, readD1Migrations } from '@cloudflare/vitest-plugin';
import { defineConfig } from 'vitest/config';
import { plaidSchemas } from './test/spec/json-schemas.ts';
import { TEST_SECRETS } from './test/secrets.ts';
import { receiversEdge } from './test/workers/support/webhook-receivers.ts';

// Tests run inside workerd with the Worker's real bindings from wrangler.toml: the control
// database, two user shards and two index shards (migrated by test/workers/setup.ts), the
// program Durable Object and the queues.
export default defineConfig(async () => ({
  plugins: [
    cloudflareTest({
      wrangler: { configPath: './wrangler.toml' },
      miniflare: {
        bindings: {
          ...TEST_SECRETS,
          // Every answer says what it cost in D1, so tests count rows read instead of timing.
          D1_USAGE_HEADER: 'on',
          // Receivers on this machine may use these ports (webhook URL rules on sandbox).
          WEBHOOK_LOCAL_PORTS: '9000-9099',
          // Each kind of database's migrations, applied by test/workers/setup.ts.
          TEST_MIGRATIONS: {
            control: await readD1Migrations('./migrations/control'),
            userShard: await readD1Migrations('./migrations/user-shard'),
            indexShard: await readD1Migrations('./migrations/index-shard'),
          },
          // Plaid's schemas as JSON Schema, for test/workers/support/spec.ts.
          PLAID_SCHEMAS: await plaidSchemas(),
        },
        // A low limit, so that the 429 path is reached quickly; tests use fresh clients.
        ratelimits: {
          CLIENT_RATE_LIMITER: { namespace_id: 'test', simple: { limit: 200, period: 60 } },
          SOURCE_RATE_LIMITER: { namespace_id: 'test-source', simple: { limit: 100, period: 60 } },
        },
        // Outbound HTTP (webhook deliveries) goes to fake receivers at the network edge.
        outboundService: { node: receiversEdge },
      },
    }),
  ],
  test: {
    include: ['test/workers/**/*.test.ts'],
    setupFiles: ['./test/workers/setup.ts'],
    // Queue deliveries are awaited with vi.waitFor; a failure still shows within seconds.
    testTimeout: 30_000,
  },
}));
