import { and, desc, eq, inArray, lt } from 'drizzle-orm';
import type { Database } from '../../db';
import { beaconUsers, beaconUserVersions } from '../../db/schema';
import { errors } from '../../errors';
import { openJson, sealJson } from '../../lib/crypto';
import { PAGE_SIZE } from '../../lib/cursor';
import type { Identity } from './identity';

export type BeaconUserRow = typeof beaconUsers.$inferSelect;
export type BeaconUserVersionRow = typeof beaconUserVersions.$inferSelect;
export type BeaconUserStatus = BeaconUserRow['status'];

/** A Beacon User with its current version. */
export interface BeaconUserRecord {
  user: BeaconUserRow;
  version: BeaconUserVersionRow;
}

/** Identity data is sealed with the user's id as context: a version's ciphertext only
 * opens for that user, and status-only versions can reuse it unchanged. */
const sealContext = (beaconUserId: string) => `beacon_user:${beaconUserId}`;

export const sealIdentity = (key: CryptoKey, beaconUserId: string, identity: Identity) =>
  sealJson(key, identity, sealContext(beaconUserId));

export const openIdentity = (key: CryptoKey, beaconUserId: string, sealed: string) =>
  openJson<Identity>(key, sealed, sealContext(beaconUserId));

const currentVersion = and(
  eq(beaconUserVersions.beaconUserId, beaconUsers.id),
  eq(beaconUserVersions.version, beaconUsers.version),
);

export function selectBeaconUser(db: Database, beaconUserId: string) {
  return db
    .select({ user: beaconUsers, version: beaconUserVersions })
    .from(beaconUsers)
    .innerJoin(beaconUserVersions, currentVersion)
    .where(eq(beaconUsers.id, beaconUserId));
}

/** Users with their current version. */
export function selectBeaconUsers(db: Database, beaconUserIds: string[]) {
  return db
    .select({ user: beaconUsers, version: beaconUserVersions })
    .from(beaconUsers)
    .innerJoin(beaconUserVersions, currentVersion)
    .where(inArray(beaconUsers.id, beaconUserIds));
}

/** The user row only: drizzle maps joined columns with shared names wrongly inside `batch`. */
export function selectBeaconUserByClientUserId(db: Database, programId: string, clientUserId: string) {
  return db
    .select()
    .from(beaconUsers)
    .where(and(eq(beaconUsers.programId, programId), eq(beaconUsers.clientUserId, clientUserId)));
}

/** The client's Beacon User; another client's user is "not found", like an unknown id. */
export async function loadBeaconUser(db: Database, clientId: string, beaconUserId: string): Promise<BeaconUserRecord> {
  const record = await selectBeaconUser(db, beaconUserId).get();
  if (!record || record.user.clientId !== clientId) throw errors.notFound('beacon_user_id');
  return record;
}

/** The program a client's Beacon User belongs to (it never changes). */
export async function programOfBeaconUser(db: Database, clientId: string, beaconUserId: string): Promise<string> {
  const row = await db
    .select({ programId: beaconUsers.programId })
    .from(beaconUsers)
    .where(and(eq(beaconUsers.id, beaconUserId), eq(beaconUsers.clientId, clientId)))
    .get();
  if (!row) throw errors.notFound('beacon_user_id');
  return row.programId;
}

/** Versions newest first, strictly below `beforeVersion`, one more than a page. */
export function selectVersions(db: Database, beaconUserId: string, beforeVersion: number) {
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
export function versionStatements(db: Database, user: BeaconUserRow, version: BeaconUserVersionRow) {
  const insertVersion = db.insert(beaconUserVersions).values(version);
  if (version.version === 1) return [insertVersion, db.insert(beaconUsers).values(user)] as const;
  const updateUser = db
    .update(beaconUsers)
    .set({ version: user.version, status: user.status, identityDigest: user.identityDigest, updatedAt: user.updatedAt })
    .where(and(eq(beaconUsers.id, user.id), eq(beaconUsers.version, version.version - 1)));
  return [insertVersion, updateUser] as const;
}
