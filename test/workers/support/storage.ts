import { env } from 'cloudflare:test';

/** The D1 bindings of one kind of shard, in order. */
export function eachShard(prefix: 'USER_SHARD_' | 'INDEX_SHARD_'): D1Database[] {
  const shards: D1Database[] = [];
  for (let n = 0; `${prefix}${n}` in env; n++) shards.push((env as unknown as Record<string, D1Database>)[`${prefix}${n}`]!);
  return shards;
}

/** Runs a read in every user shard (a test does not care where a program was placed) and
 * returns every shard's rows, shard by shard. */
export async function inUserShards<T = Record<string, unknown>>(sql: string, ...binds: unknown[]): Promise<T[]> {
  const results = await Promise.all(
    eachShard('USER_SHARD_').map((db) =>
      db
        .prepare(sql)
        .bind(...binds)
        .all<T>(),
    ),
  );
  return results.flatMap((r) => r.results);
}

/** Runs a write in every user shard. */
export async function writeInUserShards(sql: string, ...binds: unknown[]): Promise<void> {
  await Promise.all(
    eachShard('USER_SHARD_').map((db) =>
      db
        .prepare(sql)
        .bind(...binds)
        .run(),
    ),
  );
}

/** Runs a read in every index shard. */
export async function inIndexShards<T = Record<string, unknown>>(sql: string, ...binds: unknown[]): Promise<T[]> {
  const results = await Promise.all(
    eachShard('INDEX_SHARD_').map((db) =>
      db
        .prepare(sql)
        .bind(...binds)
        .all<T>(),
    ),
  );
  return results.flatMap((r) => r.results);
}
