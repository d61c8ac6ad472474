import { applyD1Migrations, env } from 'cloudflare:test';
import { eachShard } from './support/storage';

// Setup files may run more than once; applying migrations is idempotent.
await applyD1Migrations(env.CONTROL_DB, env.TEST_MIGRATIONS.control);
await Promise.all([
  ...eachShard('USER_SHARD_').map((db) => applyD1Migrations(db, env.TEST_MIGRATIONS.userShard)),
  ...eachShard('INDEX_SHARD_').map((db) => applyD1Migrations(db, env.TEST_MIGRATIONS.indexShard)),
]);
