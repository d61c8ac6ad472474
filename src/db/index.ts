import { drizzle } from 'drizzle-orm/d1';
import * as schema from './schema';

export function database(d1: D1Database) {
  return drizzle(d1, { schema });
}

export type Database = ReturnType<typeof database>;
export { schema };

/** Whether a write failed on a UNIQUE constraint (drizzle wraps D1's error). */
export function isUniqueViolation(error: unknown): boolean {
  for (let e: unknown = error; e instanceof Error; e = e.cause) {
    if (e.message.includes('UNIQUE constraint failed')) return true;
  }
  return false;
}
