import { defineConfig } from 'drizzle-kit';

// drizzle-kit writes SQL migrations into wrangler's `migrations_dir`, so one folder
// serves `wrangler d1 migrations apply` in development, tests and deployment.
export default defineConfig({
  dialect: 'sqlite',
  schema: './src/db/schema.ts',
  out: './migrations',
});
