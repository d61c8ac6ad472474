import { text } from 'drizzle-orm/sqlite-core';

/** Timestamps are ISO 8601 UTC strings with `Z`, as returned by the API, so they compare
 * as text. */
export const timestamps = {
  createdAt: text('created_at').notNull(),
  updatedAt: text('updated_at').notNull(),
};
