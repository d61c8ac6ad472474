/** Everything about a new or changed identity that needs no serialising, done before its
 * program's Durable Object: normalising, digests, blocking keys, sealing, and checks 2 and 3
 * against the network index. The Durable Object then only reads its shard once and writes
 * once (domain/beacon-users/service.ts). */
import type { Storage } from '../../db';
import type { Secrets } from '../../secrets';
import { nowTimestamp } from '../../lib/time';
import { indexKeys, type KeyFields } from '../blocking-index';
import { normaliseIdentity, type NormalisedIdentity } from '../../matching/compare';
import { findReportHits, type ReportHit } from '../reports/network-index';
import { identityDigests, type Identity } from './identity';
import { sealIdentity } from './store';

export interface CheckedIdentity {
  identity: Identity;
  normalised: NormalisedIdentity;
  /** Keyed digests of the data under each HMAC key, the current one (stored) first:
   * equality without decryption, whichever key made a stored digest. */
  digests: string[];
  /** Blocking keys under the current HMAC key: what the index holds for the user. */
  keys: string[];
  /** The keys to look up: during a key rotation, also those under the previous key. */
  lookupKeys: string[];
  /** The field each lookup key comes from: its count weighs an agreement (term counts). */
  keyFields: KeyFields;
  /** The identity sealed for its user. */
  sealed: string;
  /** Active reports it matches, from the network index. */
  hits: ReportHit[];
  /** When the index was read (ms): a check older than MAX_CHECK_AGE_MS is read again. */
  checkedAt: number;
  /** When the data was given: the new version's timestamp, and the `added_at` of the
   * accounts it adds. */
  givenAt: string;
}

/** How long a reading of the network index stays good for a write. A report's second
 * fan-out pass (reports/fanout.ts) starts well after this, so that a user whose check
 * missed a report that was being indexed meanwhile is found by that pass. */
export const MAX_CHECK_AGE_MS = 10_000;

/** Checks the identity `given` makes as of now. */
export async function checkIdentity(storage: Storage, secrets: Secrets, beaconUserId: string, given: (at: string) => Identity): Promise<CheckedIdentity> {
  const givenAt = nowTimestamp();
  const identity = given(givenAt);
  const normalised = normaliseIdentity(identity);
  const [digests, keys, sealed] = await Promise.all([
    identityDigests(secrets.hmacKey, identity),
    indexKeys(secrets.hmacKey, normalised),
    sealIdentity(secrets.piiKey, beaconUserId, identity),
  ]);
  const checkedAt = Date.now();
  const hits = await findReportHits(storage, secrets, { id: beaconUserId, identity: normalised, keys: keys.lookup });
  return { identity, normalised, digests, keys: keys.stored, lookupKeys: keys.lookup, keyFields: keys.fields, sealed, hits, checkedAt, givenAt };
}

/** The same check, read again if it has grown too old to write. */
export async function freshCheck(storage: Storage, secrets: Secrets, beaconUserId: string, checked: CheckedIdentity): Promise<CheckedIdentity> {
  if (Date.now() - checked.checkedAt <= MAX_CHECK_AGE_MS) return checked;
  const checkedAt = Date.now();
  const hits = await findReportHits(storage, secrets, { id: beaconUserId, identity: checked.normalised, keys: checked.lookupKeys });
  return { ...checked, hits, checkedAt };
}
