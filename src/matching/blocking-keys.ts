/** Blocking keys: the normalised strings under which an identity is indexed, so that a check
 * reads only candidates that share a key instead of scanning a program or the network.
 * Every pair that satisfies a default duplicate rule or a network rule shares at least one key
 * (measured by `npm run eval:matching:offline`); no key is something many unrelated people
 * share (no bare surname, city, IP, birth date or SSN last four). See docs/matching.md. */
import type { Identity } from './identity';
import { normaliseIdentity, type NormalisedIdentity } from './compare';
import type { NormalisedDate } from './fields/date-of-birth';
import { nameSounds } from './fields/name';
import { ssnLast4 } from './fields/id-number';

/** At most this many keys per identity. */
export const MAX_BLOCKING_KEYS = 16;
/** Accounts beyond this many (in the order given) are not indexed. */
export const MAX_ACCOUNT_KEYS = 4;

/** A birth date with month and day in order, so that a date and its day/month swap share it. */
function dateKey(d: NormalisedDate): string {
  const [lo, hi] = d.month <= d.day ? [d.month, d.day] : [d.day, d.month];
  return `${d.year}:${lo}:${hi}`;
}

/** The keys of a normalised identity (see `normaliseIdentity`). */
export function blockingKeysOf(identity: NormalisedIdentity): string[] {
  const keys: string[] = [];
  const { name, date_of_birth: dob, address, email_address: email, phone_number: phone, id_number: id } = identity;
  const sounds = name ? nameSounds(name, 3) : [];

  // Identifiers one person has: each alone is enough to look at a candidate.
  if (email) keys.push(`email:${email.mailbox}`);
  if (phone) keys.push(`phone:${phone}`);
  if (id && id.type !== 'us_ssn_last_4') keys.push(`id:${id.type}:${id.value}`);
  for (const account of identity.depository_accounts.slice(0, MAX_ACCOUNT_KEYS)) {
    keys.push(`acct:${account.routing}:${account.account}`);
  }

  // 10,000 values only: the last four of an SSN is found together with a sound of the name.
  const last4 = id && ssnLast4(id);
  if (last4) for (const sound of sounds.slice(0, 2)) keys.push(`ssn4+name:${last4}:${sound}`);

  // Birth date (day and month in either order) with a sound of the given or a family name.
  if (dob) for (const sound of sounds) keys.push(`dob+name:${dateKey(dob)}:${sound}`);

  // The house (postal code or city, and house number or street) with a sound of the name:
  // catches the same person with a mistyped birth date; only namesakes in one house share it.
  if (address) {
    const place = `${address.country}:${address.postal ?? address.city}:${address.number ?? address.street}`;
    for (const sound of sounds) keys.push(`addr+name:${place}:${sound}`);
  }

  return [...new Set(keys)].slice(0, MAX_BLOCKING_KEYS);
}

/** The blocking keys of an identity: plain strings, to be keyed-hashed by the caller. */
export function blockingKeys(identity: Identity): string[] {
  return blockingKeysOf(normaliseIdentity(identity));
}
