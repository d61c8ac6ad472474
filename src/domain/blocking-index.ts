/** The blocking index in D1 (PRODUCT.md §5.3): keyed digests of the normalised keys of
 * `matching/blocking-keys.ts`, so the shared index holds no raw PII. Users are indexed by
 * program (duplicates) and read across the network by key (report fan-out); active reports
 * are indexed in `report_keys` (own and network checks). Every lookup is an index seek on
 * the digests of one identity — never a scan — and returns a bounded number of candidates,
 * those sharing the most keys first. */
import { and, asc, count, desc, eq, gt, inArray, ne } from 'drizzle-orm';
import type { Database } from '../db';
import { blockingKeys, reportKeys } from '../db/schema';
import { keyedDigest } from '../lib/crypto';
import { blockingKeysOf } from './matching/blocking-keys';
import type { NormalisedIdentity } from './matching/compare';

/** Candidates compared per check at most. The keys are selective, so a real person has a
 * handful; a key shared by hundreds of users (a reused fake email) cannot slow a check down. */
export const MAX_CANDIDATES = 50;

/** Network fan-out reads candidates in pages of this size (one queue message each). Also
 * bounds the ids in one `IN (...)`: D1 binds at most 100 variables per statement. */
export const FANOUT_PAGE = 50;

/** 128-bit digests: collisions are negligible and the index stays small. */
const DIGEST_CHARS = 22;

export async function indexKeys(hmacKey: CryptoKey, identity: NormalisedIdentity): Promise<string[]> {
  const digests = await Promise.all(
    blockingKeysOf(identity).map((key) => keyedDigest(hmacKey, 'blocking-key', key)),
  );
  return digests.map((digest) => digest.slice(0, DIGEST_CHARS));
}

/** Replaces a user's index entries with `keys` (the keys of its current identity). */
export function indexUserStatements(db: Database, user: { id: string; programId: string; clientId: string }, keys: string[], isNew: boolean) {
  const rows = keys.map((key) => ({ key, programId: user.programId, beaconUserId: user.id, clientId: user.clientId }));
  const insert = rows.length ? [db.insert(blockingKeys).values(rows)] : [];
  return isNew ? insert : [db.delete(blockingKeys).where(eq(blockingKeys.beaconUserId, user.id)), ...insert];
}

/** Users of one program that share a key with `keys`, other than `excludeUserId` (a query,
 * so that it can run in one batch with the other reads of a check). */
export function selectCandidateUsers(db: Database, programId: string, keys: string[], excludeUserId: string | null) {
  return db
    .select({ id: blockingKeys.beaconUserId, shared: count() })
    .from(blockingKeys)
    .where(
      and(
        inArray(blockingKeys.key, keys),
        eq(blockingKeys.programId, programId),
        excludeUserId ? ne(blockingKeys.beaconUserId, excludeUserId) : undefined,
      ),
    )
    .groupBy(blockingKeys.beaconUserId)
    .orderBy(desc(count()))
    .limit(MAX_CANDIDATES);
}

/** Active reports (any client's) that share a key with `keys` (a query, like the above). */
export function selectCandidateReports(db: Database, keys: string[]) {
  return db
    .select({ id: reportKeys.reportId, shared: count() })
    .from(reportKeys)
    .where(inArray(reportKeys.key, keys))
    .groupBy(reportKeys.reportId)
    .orderBy(desc(count()))
    .limit(MAX_CANDIDATES);
}

/** Users of other clients that share a key with a report, a page at a time in id order
 * (so a fan-out can continue after the last user of the previous page). */
export async function networkCandidates(db: Database, report: { id: string; clientId: string }, after: string | undefined) {
  const keys = db.select({ key: reportKeys.key }).from(reportKeys).where(eq(reportKeys.reportId, report.id));
  return db
    .selectDistinct({ beaconUserId: blockingKeys.beaconUserId, programId: blockingKeys.programId })
    .from(blockingKeys)
    .where(
      and(
        inArray(blockingKeys.key, keys),
        ne(blockingKeys.clientId, report.clientId),
        after ? gt(blockingKeys.beaconUserId, after) : undefined,
      ),
    )
    .orderBy(asc(blockingKeys.beaconUserId))
    .limit(FANOUT_PAGE)
    .all();
}
