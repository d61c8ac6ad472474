/** The shard registry: which D1 databases this deployment has, read from its bindings, so
 * that adding a shard is configuration (a binding and its migrations), not code.
 *
 * - `CONTROL_DB`: the control database.
 * - `USER_SHARD_0` … `USER_SHARD_<N-1>`: user shards. A program lives whole in one; new
 *   programs go to open shards (`CLOSED_USER_SHARDS` lists the full ones).
 * - `INDEX_SHARD_0` … `INDEX_SHARD_<M-1>`: the network index of reports, partitioned by key
 *   hash. M is fixed for a deployment's index: changing it means rebuilding the index. */
import type { Env } from '../env';
import { fromBase64 } from '../lib/encoding';
import { ConfigurationError } from '../secrets';

export interface ShardLayout {
  /** User shard numbers, 0 … N-1. */
  userShards: number[];
  /** The user shards new programs (and new clients) may be placed on. */
  openUserShards: number[];
  /** M, the number of index shards. */
  indexShards: number;
}

const layouts = new WeakMap<object, ShardLayout>();

export function shardLayout(env: Env): ShardLayout {
  let layout = layouts.get(env);
  if (!layout) {
    layout = readLayout(env);
    layouts.set(env, layout);
  }
  return layout;
}

function readLayout(env: Env): ShardLayout {
  const userShards = numbered(env, 'USER_SHARD_');
  const indexShards = numbered(env, 'INDEX_SHARD_');
  const closed = new Set(
    (env.CLOSED_USER_SHARDS ?? '')
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean)
      .map((s) => {
        const n = Number(s);
        if (!Number.isInteger(n) || !userShards.includes(n)) {
          throw new ConfigurationError(`CLOSED_USER_SHARDS lists ${JSON.stringify(s)}, which is not a user shard (0 to ${userShards.length - 1})`);
        }
        return n;
      }),
  );
  const openUserShards = userShards.filter((n) => !closed.has(n));
  if (openUserShards.length === 0) throw new ConfigurationError('every user shard is closed (CLOSED_USER_SHARDS): add a shard for new programs');
  return { userShards, openUserShards, indexShards: indexShards.length };
}

/** The numbers of the bindings named `<prefix><n>`, which must be 0 … count-1. */
function numbered(env: Env, prefix: string): number[] {
  const numbers = Object.keys(env)
    .filter((name) => name.startsWith(prefix))
    .map((name) => Number(name.slice(prefix.length)))
    .sort((a, b) => a - b);
  if (numbers.length === 0) throw new ConfigurationError(`no ${prefix}0 D1 binding: the deployment needs at least one (wrangler.toml)`);
  numbers.forEach((n, i) => {
    if (n !== i) throw new ConfigurationError(`${prefix} bindings must be numbered 0 to ${numbers.length - 1} without gaps; ${prefix}${i} is missing`);
  });
  return numbers;
}

/** The index shard of a blocking key (a base64url digest): its first 24 bits modulo M. */
export function indexShardOfKey(key: string, indexShards: number): number {
  const [a = 0, b = 0, c = 0] = fromBase64(key.slice(0, 4));
  return ((a << 16) | (b << 8) | c) % indexShards;
}

/** Groups keys by the index shard they live in. */
export function keysByIndexShard(keys: readonly string[], indexShards: number): Map<number, string[]> {
  const byShard = new Map<number, string[]>();
  for (const key of keys) {
    const shard = indexShardOfKey(key, indexShards);
    byShard.set(shard, [...(byShard.get(shard) ?? []), key]);
  }
  return byShard;
}
