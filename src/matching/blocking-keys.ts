/** Blocking keys: the normalised strings under which an identity is indexed, so that a check
 * reads only candidates that share a key instead of scanning a program or the network.
 * Each field of the registry gives its own keys (`blockingKeys` in fields/*.ts). Every pair
 * that satisfies a default duplicate rule or a network rule shares at least one key
 * (measured by `npm run eval:matching:offline`); no key is something many unrelated people
 * share (no bare surname, city, IP, birth date or SSN last four). See docs/matching.md. */
import type { Identity } from './identity';
import { normaliseIdentity, type NormalisedIdentity } from './compare';
import { FIELDS, MATCH_FIELDS, type MatchField } from './fields';
import type { TermCounts } from './weights';
import type { FieldDefinition } from './fields/field';
import { nameSounds } from './fields/name';

/** At most this many keys per identity. */
export const MAX_BLOCKING_KEYS = 16;

/** The keys of a normalised identity (see `normaliseIdentity`), each with the field that
 * gave it: a key's count is how many identities carry that field's value (with the name's
 * sound, for keys that carry one) — the term frequency of match weights (weights.ts). */
export function fieldBlockingKeysOf(identity: NormalisedIdentity): Map<string, MatchField> {
  // Keys that are selective only with the name carry one of its sounds (at most 3).
  const sounds = identity.name ? nameSounds(identity.name, 3) : [];
  const keys = new Map<string, MatchField>();
  const add = (field: MatchField, found: string[]) => {
    for (const key of found) if (keys.size < MAX_BLOCKING_KEYS && !keys.has(key)) keys.set(key, field);
  };
  const given = MATCH_FIELDS.flatMap((field) => (identity[field] === null ? [] : [[field, FIELDS[field] as FieldDefinition<unknown, unknown>, identity[field]] as const]));
  // Every field's own keys first (identifiers one person has), then those with the name.
  for (const [field, definition, value] of given) if (definition.blockingKeys) add(field, definition.blockingKeys(value!));
  for (const [field, definition, value] of given) if (definition.nameKeys) add(field, definition.nameKeys(value!, sounds));
  return keys;
}

/** The keys of a normalised identity (see `normaliseIdentity`). */
export function blockingKeysOf(identity: NormalisedIdentity): string[] {
  return [...fieldBlockingKeysOf(identity).keys()];
}

/** The term counts of a pair (weights.ts) from the keys it shares: per field, the fewest
 * identities carrying one of its shared keys (a key shared by the pair is carried by at least
 * the other identity, so ≥ 1). `fieldOf` maps the subject's keys to their fields; `count`
 * gives how many identities other than the subject carry a key (undefined: not known). */
export function termCountsOf(shared: Iterable<string>, fieldOf: ReadonlyMap<string, MatchField>, count: (key: string) => number | undefined): TermCounts {
  const counts: TermCounts = {};
  for (const key of shared) {
    const field = fieldOf.get(key);
    const n = count(key);
    if (!field || n === undefined) continue;
    counts[field] = Math.min(counts[field] ?? Infinity, Math.max(1, n));
  }
  return counts;
}

/** The blocking keys of an identity: plain strings, to be keyed-hashed by the caller. */
export function blockingKeys(identity: Identity): string[] {
  return blockingKeysOf(normaliseIdentity(identity));
}
