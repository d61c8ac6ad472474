import { applyD1Migrations, env } from 'cloudflare:test';

// Setup files may run more than once; applying migrations is idempotent.
await applyD1Migrations(env.DB, env.TEST_MIGRATIONS);
