/** Blocking keys: the normalised strings under which an identity is indexed, so that a check
 * reads only candidates that share a key instead of scanning a program or the network.
 * Each field of the registry gives its own keys (`blockingKeys` in fields/*.ts). Every pair
 * that satisfies a default duplicate rule or a network rule shares at least one key
 * (measured by `npm run eval:matching:offline`); no key is something many unrelated people
 * share (no bare surname, city, IP, birth date or SSN last four). See docs/matching.md. */
import type { Identity } from './identity';
import { normaliseIdentity, type NormalisedIdentity } from './compare';
import { FIELDS, MATCH_FIELDS } from './fields';
import type { FieldDefinition } from './fields/field';
import { nameSounds } from './fields/name';

export { MAX_ACCOUNT_KEYS } from './fields/depository-accounts';

/** At most this many keys per identity. */
export const MAX_BLOCKING_KEYS = 16;

/** The keys of a normalised identity (see `normaliseIdentity`). */
export function blockingKeysOf(identity: NormalisedIdentity): string[] {
  // Keys that are selective only with the name carry one of its sounds (at most 3).
  const sounds = identity.name ? nameSounds(identity.name, 3) : [];
  const keys: string[] = [];
  for (const field of MATCH_FIELDS) {
    const definition = FIELDS[field] as FieldDefinition<unknown, unknown>;
    const value = identity[field];
    if (definition.blockingKeys && value !== null) keys.push(...definition.blockingKeys(value, sounds));
  }
  return [...new Set(keys)].slice(0, MAX_BLOCKING_KEYS);
}

/** The blocking keys of an identity: plain strings, to be keyed-hashed by the caller. */
export function blockingKeys(identity: Identity): string[] {
  return blockingKeysOf(normaliseIdentity(identity));
}
