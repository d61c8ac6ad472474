import { defineConfig } from 'drizzle-kit';

// One schema and one migrations folder per kind of database (docs/product.md §7): the control
// database, the user shards and the report-index shards. drizzle-kit writes SQL migrations
// into the folder that is wrangler's `migrations_dir` for every binding of that kind, so
// one folder serves `wrangler d1 migrations apply` in development, tests and deployment.
// `npm run db:generate -- <name>` runs this for each kind (DB_KIND).
const KINDS = ['control', 'user-shard', 'index-shard'] as const;
const kind = process.env.DB_KIND as (typeof KINDS)[number] | undefined;
if (!kind || !KINDS.includes(kind)) throw new Error(`set DB_KIND to one of ${KINDS.join(', ')}`);

export default defineConfig({
  dialect: 'sqlite',
  schema: `./src/db/${kind}/schema.ts`,
  out: `./migrations/${kind}`,
});
