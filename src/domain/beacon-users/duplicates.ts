import { eq } from 'drizzle-orm';
import { userShard, type Storage } from '../../db';
import { errors } from '../../errors';
import { inClientShards } from '../directory';

/** The spec's `BeaconDuplicateGetResponse`: the two user revisions and what matched.
 * `beacon_user1` is the user whose create or update found the pair. */
export async function getDuplicate(storage: Storage, clientId: string, duplicateId: string) {
  const found = await inClientShards(storage, clientId, async (shard) => {
    const row = await storage.userShard(shard).select().from(userShard.beaconDuplicates).where(eq(userShard.beaconDuplicates.id, duplicateId)).get();
    return row?.clientId === clientId ? row : undefined;
  });
  if (!found) throw errors.notFound('beacon_duplicate_id');
  const duplicate = found.value;
  return {
    id: duplicate.id,
    beacon_user1: { id: duplicate.beaconUser1Id, version: duplicate.beaconUser1Version },
    beacon_user2: { id: duplicate.beaconUser2Id, version: duplicate.beaconUser2Version },
    analysis: duplicate.analysis,
  };
}
