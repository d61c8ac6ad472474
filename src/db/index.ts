/** Storage: the control database, the user shards and the report-index shards
 * (docs/product.md §7), each a drizzle client over its D1 binding, counted by one meter. */
import { drizzle, type DrizzleD1Database } from 'drizzle-orm/d1';
import type { Env } from '../env';
import { ConfigurationError } from '../secrets';
import * as control from './control/schema';
import * as indexShard from './index-shard/schema';
import { D1Meter } from './meter';
import { shardLayout, type ShardLayout } from './shards';
import * as userShard from './user-shard/schema';

// Query builders only: no relational schema (`db.query`), which drizzle would otherwise
// rebuild for every request's clients.
export type ControlDb = DrizzleD1Database;
export type ShardDb = DrizzleD1Database;
export type IndexDb = DrizzleD1Database;

export { control, indexShard, userShard };
export { D1Meter, type D1Usage } from './meter';
export { indexShardOfKey, keysByIndexShard, type ShardLayout } from './shards';

/** The databases of one request (or one Durable Object call), all counted by `meter`. */
export class Storage {
  readonly layout: ShardLayout;
  readonly #latencyMs: number;
  #control?: ControlDb;
  readonly #users = new Map<number, ShardDb>();
  readonly #index = new Map<number, IndexDb>();

  constructor(
    private readonly env: Env,
    readonly meter = new D1Meter(),
  ) {
    this.layout = shardLayout(env);
    this.#latencyMs = simulatedLatency(env);
  }

  get control(): ControlDb {
    return (this.#control ??= drizzle(this.#binding('CONTROL_DB')));
  }

  userShard(shard: number): ShardDb {
    let db = this.#users.get(shard);
    if (!db) this.#users.set(shard, (db = drizzle(this.#binding(`USER_SHARD_${shard}`))));
    return db;
  }

  indexShard(shard: number): IndexDb {
    let db = this.#index.get(shard);
    if (!db) this.#index.set(shard, (db = drizzle(this.#binding(`INDEX_SHARD_${shard}`))));
    return db;
  }

  #binding(name: string): D1Database {
    const binding = (this.env as unknown as Record<string, D1Database | undefined>)[name];
    if (!binding) throw new ConfigurationError(`no D1 binding ${name} (wrangler.toml)`);
    return this.meter.instrument(binding, this.#latencyMs);
  }
}

function simulatedLatency(env: Env): number {
  const raw = env.D1_SIMULATED_LATENCY_MS;
  if (raw === undefined || raw === '') return 0;
  const ms = Number(raw);
  if (!Number.isInteger(ms) || ms < 0 || ms > 1000) throw new ConfigurationError(`D1_SIMULATED_LATENCY_MS must be an integer from 0 to 1000, not ${JSON.stringify(raw)}`);
  return ms;
}

/** Whether a write failed on a UNIQUE constraint (drizzle wraps D1's error). */
export function isUniqueViolation(error: unknown): boolean {
  for (let e: unknown = error; e instanceof Error; e = e.cause) {
    if (e.message.includes('UNIQUE constraint failed')) return true;
  }
  return false;
}
