import { and, desc, eq, getTableColumns, lt, sql, type SQL } from 'drizzle-orm';
import { userShard, type ShardDb, type Storage } from '../../db';
import { errors } from '../../errors';
import { openJson, sealJson, type KeyRing } from '../../lib/crypto';
import { PAGE_SIZE } from '../../lib/cursor';
import { inClientShards } from '../directory';
import type { Identity } from './identity';

const { beaconUsers, beaconUserVersions } = userShard;

export type BeaconUserRow = typeof beaconUsers.$inferSelect;
export type BeaconUserVersionRow = typeof beaconUserVersions.$inferSelect;
export type BeaconUserStatus = BeaconUserRow['status'];

/** A Beacon User with its current version. */
export interface BeaconUserRecord {
  user: BeaconUserRow;
  version: BeaconUserVersionRow;
}

/** A Beacon User with its current version in one flat row (see `selectCurrentUsers`). */
export type CurrentUser = BeaconUserRow & {
  sealed: string;
  auditSource: BeaconUserVersionRow['auditSource'];
  auditDashboardUserId: string | null;
  versionCreatedAt: string;
};

/** The user and version rows of a `CurrentUser`. */
export function recordOf({ sealed, auditSource, auditDashboardUserId, versionCreatedAt, ...user }: CurrentUser): BeaconUserRecord {
  return {
    user,
    version: {
      beaconUserId: user.id,
      version: user.version,
      status: user.status,
      statusReason: user.statusReason,
      identity: sealed,
      auditSource,
      auditDashboardUserId,
      createdAt: versionCreatedAt,
    },
  };
}

/** Identity data is sealed with the user's id as context: a version's ciphertext only
 * opens for that user, and status-only versions can reuse it unchanged. */
const sealContext = (beaconUserId: string) => `beacon_user:${beaconUserId}`;

export const sealIdentity = (key: KeyRing, beaconUserId: string, identity: Identity) => sealJson(key, identity, sealContext(beaconUserId));

export const openIdentity = (key: KeyRing, beaconUserId: string, sealed: string) => openJson<Identity>(key, sealed, sealContext(beaconUserId));

const currentVersion = and(eq(beaconUserVersions.beaconUserId, beaconUsers.id), eq(beaconUserVersions.version, beaconUsers.version));

/** Users with their current version, one flat row each with distinct column names, so that
 * the query can run inside a D1 batch (drizzle maps batched rows by position). */
export function selectCurrentUsers(db: ShardDb, where: SQL | undefined) {
  return db
    .select({
      ...getTableColumns(beaconUsers),
      sealed: beaconUserVersions.identity,
      auditSource: beaconUserVersions.auditSource,
      auditDashboardUserId: beaconUserVersions.auditDashboardUserId,
      versionCreatedAt: sql<string>`${beaconUserVersions.createdAt}`.as('version_created_at'),
    })
    .from(beaconUsers)
    .innerJoin(beaconUserVersions, currentVersion)
    .where(where);
}

/** A user with its current version (one round trip, counted by the meter). */
async function readBeaconUser(db: ShardDb, beaconUserId: string): Promise<BeaconUserRecord | undefined> {
  const [[current]] = await db.batch([selectCurrentUsers(db, eq(beaconUsers.id, beaconUserId))]);
  return current && recordOf(current);
}

/** The user row only, for a D1 batch. */
export function selectBeaconUserByClientUserId(db: ShardDb, programId: string, clientUserId: string) {
  return db
    .select()
    .from(beaconUsers)
    .where(and(eq(beaconUsers.programId, programId), eq(beaconUsers.clientUserId, clientUserId)));
}

/** A client's Beacon User, wherever it lives; another client's user is "not found", like
 * an unknown id. */
export async function locateBeaconUser(storage: Storage, clientId: string, beaconUserId: string): Promise<{ shard: number; record: BeaconUserRecord }> {
  const found = await inClientShards(storage, clientId, async (shard) => {
    const record = await readBeaconUser(storage.userShard(shard), beaconUserId);
    return record?.user.clientId === clientId ? record : undefined;
  });
  if (!found) throw errors.notFound('beacon_user_id');
  return { shard: found.shard, record: found.value };
}

/** Loads a user known to be in `db` (inside its program's Durable Object). */
export async function loadBeaconUser(db: ShardDb, clientId: string, beaconUserId: string): Promise<BeaconUserRecord> {
  const record = await readBeaconUser(db, beaconUserId);
  if (!record || record.user.clientId !== clientId) throw errors.notFound('beacon_user_id');
  return record;
}

/** Versions newest first, strictly below `beforeVersion`, one more than a page. */
export function selectVersions(db: ShardDb, beaconUserId: string, beforeVersion: number) {
  return db
    .select()
    .from(beaconUserVersions)
    .where(and(eq(beaconUserVersions.beaconUserId, beaconUserId), lt(beaconUserVersions.version, beforeVersion)))
    .orderBy(desc(beaconUserVersions.version))
    .limit(PAGE_SIZE + 1)
    .all();
}

/** Statements writing version `version.version` of a user: the version row and the
 * user's current state. The update is conditional on the previous version, and the
 * version row's primary key refuses a second writer of the same version. */
export function versionStatements(db: ShardDb, user: BeaconUserRow, version: BeaconUserVersionRow) {
  const insertVersion = db.insert(beaconUserVersions).values(version);
  if (version.version === 1) return [insertVersion, db.insert(beaconUsers).values(user)] as const;
  const updateUser = db
    .update(beaconUsers)
    .set({
      version: user.version,
      status: user.status,
      statusReason: user.statusReason,
      statusSince: user.statusSince,
      identityDigest: user.identityDigest,
      blockingKeys: user.blockingKeys,
      updatedAt: user.updatedAt,
    })
    .where(and(eq(beaconUsers.id, user.id), eq(beaconUsers.version, version.version - 1)));
  return [insertVersion, updateUser] as const;
}
