import { eq } from 'drizzle-orm';
import type { Database } from '../../db';
import { beaconDuplicates } from '../../db/schema';
import { errors } from '../../errors';

/** The spec's `BeaconDuplicateGetResponse`: the two user revisions and what matched.
 * `beacon_user1` is the user whose create or update found the pair. */
export async function getDuplicate(db: Database, clientId: string, duplicateId: string) {
  const duplicate = await db.select().from(beaconDuplicates).where(eq(beaconDuplicates.id, duplicateId)).get();
  if (!duplicate || duplicate.clientId !== clientId) throw errors.notFound('beacon_duplicate_id');
  return {
    id: duplicate.id,
    beacon_user1: { id: duplicate.beaconUser1Id, version: duplicate.beaconUser1Version },
    beacon_user2: { id: duplicate.beaconUser2Id, version: duplicate.beaconUser2Version },
    analysis: duplicate.analysis,
  };
}
