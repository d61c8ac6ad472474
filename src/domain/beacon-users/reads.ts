import { and, eq, or } from 'drizzle-orm';
import { userShard, type Storage } from '../../db';
import { listPage, PAGE_SIZE } from '../../lib/cursor';
import type { Secrets } from '../../secrets';
import type { Identity } from './identity';
import { clientShards } from '../directory';
import { locateBeaconUser, openIdentity, selectCurrentUsers, selectVersions } from './store';
import { beaconUserView, type BeaconUserView } from './view';

const { beaconUsers } = userShard;

export async function getBeaconUser(storage: Storage, secrets: Secrets, clientId: string, beaconUserId: string): Promise<BeaconUserView> {
  const { record } = await locateBeaconUser(storage, clientId, beaconUserId);
  return beaconUserView(record.user, record.version, await openIdentity(secrets.piiKey, record.user.id, record.version.identity));
}

/** Every version of a user, newest first, a page at a time. */
export async function listBeaconUserHistory(storage: Storage, secrets: Secrets, clientId: string, beaconUserId: string, cursor: string | null | undefined) {
  const { shard, record } = await locateBeaconUser(storage, clientId, beaconUserId);
  const { user } = record;
  const { items, next_cursor } = await listPage(
    secrets.hmacKey,
    `history:${clientId}:${user.id}`,
    cursor,
    (before) => selectVersions(storage.userShard(shard), user.id, before ?? user.version + 1),
    (version) => version.version,
  );

  // Status-only versions share their identity ciphertext: open each distinct one once.
  const opened = new Map<string, Promise<Identity>>();
  const open = (sealed: string) => {
    if (!opened.has(sealed)) opened.set(sealed, openIdentity(secrets.piiKey, user.id, sealed));
    return opened.get(sealed)!;
  };
  const beaconUsers = await Promise.all(items.map(async (v) => beaconUserView(user, v, await open(v.identity))));
  return { beacon_users: beaconUsers, next_cursor };
}

/** The member's users whose `client_user_id` is `clientUserId` (one per program at most),
 * or the user whose `beacon_user_id` it is: an index seek in each of the member's shards. */
export async function findBeaconUsers(storage: Storage, clientId: string, query: string) {
  const found = await Promise.all(
    (await clientShards(storage, clientId)).map((shard) =>
      selectCurrentUsers(
        storage.userShard(shard),
        or(and(eq(beaconUsers.clientId, clientId), eq(beaconUsers.clientUserId, query)), and(eq(beaconUsers.id, query), eq(beaconUsers.clientId, clientId))),
      )
        .limit(PAGE_SIZE)
        .all(),
    ),
  );
  return found.flat().map((user) => ({ beaconUserId: user.id, clientUserId: user.clientUserId, programId: user.programId, status: user.status, statusReason: user.statusReason }));
}
