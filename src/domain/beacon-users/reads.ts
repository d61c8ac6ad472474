import type { Database } from '../../db';
import { decodeCursor, encodeCursor, page } from '../../lib/cursor';
import type { Secrets } from '../../secrets';
import type { Identity } from './identity';
import { loadBeaconUser, openIdentity, selectVersions } from './store';
import { beaconUserView, type BeaconUserView } from './view';

export async function getBeaconUser(db: Database, secrets: Secrets, clientId: string, beaconUserId: string): Promise<BeaconUserView> {
  const { user, version } = await loadBeaconUser(db, clientId, beaconUserId);
  return beaconUserView(user, version, await openIdentity(secrets.piiKey, user.id, version.identity));
}

/** Every version of a user, newest first, a page at a time. */
export async function listBeaconUserHistory(
  db: Database,
  secrets: Secrets,
  clientId: string,
  beaconUserId: string,
  cursor: string | null | undefined,
) {
  const { user } = await loadBeaconUser(db, clientId, beaconUserId);
  const scope = `history:${clientId}:${user.id}`;
  const before = cursor ? Number(await decodeCursor(secrets.hmacKey, scope, cursor)) : user.version + 1;
  const { items, hasMore } = page(await selectVersions(db, user.id, before));

  // Status-only versions share their identity ciphertext: open each distinct one once.
  const opened = new Map<string, Promise<Identity>>();
  const open = (sealed: string) => {
    if (!opened.has(sealed)) opened.set(sealed, openIdentity(secrets.piiKey, user.id, sealed));
    return opened.get(sealed)!;
  };
  const beaconUsers = await Promise.all(items.map(async (v) => beaconUserView(user, v, await open(v.identity))));
  const last = items.at(-1);
  return {
    beacon_users: beaconUsers,
    next_cursor: hasMore && last ? await encodeCursor(secrets.hmacKey, scope, last.version) : null,
  };
}
