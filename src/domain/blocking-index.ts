/** The blocking index of users (docs/product.md §5.3), in each user shard: keyed digests of the
 * normalised keys of `matching/blocking-keys.ts`, so the index holds no raw PII. Every
 * lookup is an index seek on the digests of one identity — never a scan — and reads a
 * bounded number of rows: a key carried by more than HOT_KEY_USERS users of a program (a
 * placeholder email, an office address) is not read at all for that program; the identity's
 * other keys find its candidates (docs/matching.md, "Common values"). */
import { and, count, desc, eq, gt, inArray, lte, ne, or } from 'drizzle-orm';
import { userShard, type ShardDb } from '../db';
import { keyedDigests, type KeyRing } from '../lib/crypto';
import { selectCurrentUsers } from './beacon-users/store';
import { fieldBlockingKeysOf, termCountsOf } from '../matching/blocking-keys';
import type { NormalisedIdentity } from '../matching/compare';
import type { MatchField } from '../matching/fields';
import type { TermCounts } from '../matching/weights';

const { blockingKeys, keyCounts, beaconUsers } = userShard;

/** Candidates compared per check at most, those sharing the most keys first. */
export const MAX_CANDIDATES = 50;

/** A key carried by more users than this in one program is a common value there. */
export const HOT_KEY_USERS = 100;

/** Network fan-out reads candidates in pages of this size (one queue message each). Also
 * bounds the ids in one `IN (...)`: D1 binds at most 100 variables per statement. */
export const FANOUT_PAGE = 50;

/** 128-bit digests: collisions are negligible and the index stays small. */
const DIGEST_CHARS = 22;

/** The keys of an identity under each key of the HMAC ring: `stored`, under the current one,
 * are what the index holds for it from now on; `lookup` adds, during a key rotation, the keys
 * under the previous one, under which rows not yet rotated are still indexed; `fields`, the
 * field each lookup key comes from (its count is a term count of match weights). */
export async function indexKeys(hmacKey: KeyRing, identity: NormalisedIdentity): Promise<{ stored: string[]; lookup: string[]; fields: KeyFields }> {
  const plain = [...fieldBlockingKeysOf(identity)];
  const perKey = await Promise.all(plain.map(([key]) => keyedDigests(hmacKey, 'blocking-key', key)));
  const generation = (i: number) => perKey.map((digests) => digests[i]!.slice(0, DIGEST_CHARS));
  const stored = generation(0);
  const lookup = hmacKey.previous ? [...stored, ...generation(1)] : stored;
  const fields: KeyFields = {};
  lookup.forEach((digest, i) => (fields[digest] = plain[i % plain.length]![1]));
  return { stored, lookup, fields };
}

/** The field each of an identity's keys (digests) comes from. */
export type KeyFields = Record<string, MatchField>;

/**
 * The term counts of a pair (matching/weights.ts): for the keys `shared` by the two sides,
 * how many users of the program carry each (`counts`, from `selectKeyCounts`), other than
 * the user being matched (`carriedBy`: its own keys, which the counts include). The same
 * counts whichever side came first: a user's check and a report's fan-out read them alike.
 */
export function pairTermCounts(shared: string[], fields: KeyFields, counts: { key: string; users: number }[], carriedBy: string[] = []): TermCounts {
  const users = new Map(counts.map((c) => [c.key, c.users]));
  const own = new Set(carriedBy);
  return termCountsOf(shared, new Map(Object.entries(fields)), (key) => (users.get(key) ?? 0) - (own.has(key) ? 1 : 0));
}

/** Moves a user's index entries from `previous` keys to `keys`: only the difference is
 * written. Triggers keep `key_counts` in step. */
export function indexUserStatements(db: ShardDb, user: { id: string; programId: string; clientId: string }, keys: string[], previous: string[]) {
  const removed = previous.filter((k) => !keys.includes(k));
  const added = keys.filter((k) => !previous.includes(k));
  return [
    ...(removed.length
      ? [db.delete(blockingKeys).where(and(inArray(blockingKeys.key, removed), eq(blockingKeys.programId, user.programId), eq(blockingKeys.beaconUserId, user.id)))]
      : []),
    ...(added.length ? [db.insert(blockingKeys).values(added.map((key) => ({ key, programId: user.programId, beaconUserId: user.id, clientId: user.clientId })))] : []),
  ];
}

/** Users of one program that share a key with `keys` (other than `excludeUserId`), with
 * their current identity: at most MAX_CANDIDATES, those sharing the most keys first, read
 * only through keys that are not common in the program. One query, for a D1 batch. */
export function selectCandidateUsers(db: ShardDb, programId: string, keys: string[], excludeUserId: string | null) {
  // CROSS JOIN makes SQLite read the counts first and never open a common key's rows.
  const shared = db
    .select({ id: blockingKeys.beaconUserId })
    .from(keyCounts)
    .crossJoin(blockingKeys)
    .where(
      and(
        eq(keyCounts.programId, programId),
        inArray(keyCounts.key, keys),
        lte(keyCounts.users, HOT_KEY_USERS),
        eq(blockingKeys.key, keyCounts.key),
        eq(blockingKeys.programId, keyCounts.programId),
        excludeUserId ? ne(blockingKeys.beaconUserId, excludeUserId) : undefined,
      ),
    )
    .groupBy(blockingKeys.beaconUserId)
    .orderBy(desc(count()))
    .limit(MAX_CANDIDATES);
  return selectCurrentUsers(db, inArray(beaconUsers.id, shared));
}

/** How many users of the program carry each of `keys` (absent: none). */
export function selectKeyCounts(db: ShardDb, programId: string, keys: string[]) {
  return db
    .select({ key: keyCounts.key, users: keyCounts.users })
    .from(keyCounts)
    .where(and(eq(keyCounts.programId, programId), inArray(keyCounts.key, keys)));
}

/** Keys of `keys` that are common in a program, from `selectKeyCounts`' answer. */
export function hotKeys(counts: { key: string; users: number }[]): Set<string> {
  return new Set(counts.filter((c) => c.users > HOT_KEY_USERS).map((c) => c.key));
}

/** Where a fan-out walk stands in one key: after this program and user (null: at its start). */
export interface WalkPosition {
  programId: string;
  beaconUserId: string;
}

/** Up to FANOUT_PAGE + 1 users of other clients than `clientId` carrying `key`, in programs
 * where it is not common, in (program, user) order after `after`. Reads at most that many
 * index rows plus one count row per program that has the key. */
export function selectKeyWalk(db: ShardDb, key: string, clientId: string, after: WalkPosition | null) {
  return db
    .select({ programId: keyCounts.programId, beaconUserId: blockingKeys.beaconUserId })
    .from(keyCounts)
    .crossJoin(blockingKeys)
    .where(
      and(
        eq(keyCounts.key, key),
        lte(keyCounts.users, HOT_KEY_USERS),
        ne(keyCounts.clientId, clientId),
        eq(blockingKeys.key, keyCounts.key),
        eq(blockingKeys.programId, keyCounts.programId),
        after ? or(gt(keyCounts.programId, after.programId), and(eq(keyCounts.programId, after.programId), gt(blockingKeys.beaconUserId, after.beaconUserId))) : undefined,
      ),
    )
    .orderBy(keyCounts.programId, blockingKeys.beaconUserId)
    .limit(FANOUT_PAGE + 1);
}
