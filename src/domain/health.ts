/** `GET /health`: whether this deployment can serve, for load balancers and the operator.
 * It reads, never writes, and says nothing secret: the configuration loads (secrets present
 * and well-formed, the shard layout valid), and every D1 database answers a read of one of
 * its own tables — so it is bound, reachable and migrated. */
import { sql } from 'drizzle-orm';
import { control, indexShard, Storage, userShard } from '../db';
import type { Env } from '../env';
import { ConfigurationError, loadSecrets } from '../secrets';

export interface HealthCheck {
  name: string;
  ok: boolean;
  /** Why not, in words that name no secret value. */
  error?: string;
}

const probe = async (name: string, read: () => Promise<unknown>): Promise<HealthCheck> => {
  try {
    await read();
    return { name, ok: true };
  } catch (error) {
    console.error(`health: ${name} failed`, error);
    return { name, ok: false, error: 'no answer to a read of its tables (unbound, unreachable or not migrated)' };
  }
};

export async function checkHealth(env: Env): Promise<{ ok: boolean; checks: HealthCheck[] }> {
  let storage: Storage;
  try {
    await loadSecrets(env);
    storage = new Storage(env);
  } catch (error) {
    const reason = error instanceof ConfigurationError ? error.message : 'the configuration could not be read';
    return { ok: false, checks: [{ name: 'configuration', ok: false, error: reason }] };
  }
  const one = sql`1`;
  const checks = [
    { name: 'configuration', ok: true },
    ...(await Promise.all([
      probe('CONTROL_DB', () => storage.control.select({ one }).from(control.clients).limit(1).all()),
      ...storage.layout.userShards.map((n) => probe(`USER_SHARD_${n}`, () => storage.userShard(n).select({ one }).from(userShard.beaconUsers).limit(1).all())),
      ...Array.from({ length: storage.layout.indexShards }, (_, m) =>
        probe(`INDEX_SHARD_${m}`, () => storage.indexShard(m).select({ one }).from(indexShard.reportKeys).limit(1).all()),
      ),
    ])),
  ];
  return { ok: checks.every((check) => check.ok), checks };
}
