// `npm run db:generate -- <name>`: a new migration for each kind of database whose drizzle
// schema changed (src/db/<kind>/schema.ts → migrations/<kind>/). drizzle-kit writes nothing
// for a kind whose schema did not change.
import { spawnSync } from 'node:child_process';
import { ROOT } from './local-worker.mjs';

const name = process.argv[2];
if (!name) {
  console.error('usage: npm run db:generate -- <migration-name>');
  process.exit(2);
}
for (const kind of ['control', 'user-shard', 'index-shard']) {
  const { status } = spawnSync('npx', ['drizzle-kit', 'generate', '--name', name], { cwd: ROOT, stdio: 'inherit', env: { ...process.env, DB_KIND: kind } });
  if (status !== 0) process.exit(status ?? 1);
}
