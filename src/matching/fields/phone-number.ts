/** phone_number: E.164 (validation guarantees it; parsing again keeps stored data from
 * before that rule, or in another format, comparable). */
import { parsePhoneNumberFromString } from 'libphonenumber-js/min';
import type { MatchCode } from '../codes';
import { digits, isOneKeyTypo } from '../text';
import { defineField } from './field';

/** `+` and digits, e.g. "+14155552671". */
export type NormalisedPhone = string;

export function normalisePhone(value: string | null): NormalisedPhone | null {
  if (!value) return null;
  const parsed = parsePhoneNumberFromString(value);
  return parsed ? parsed.number : `+${digits(value)}`;
}

/**
 * match: the same E.164 number.
 * partial_match: one digit mistyped, or two adjacent digits swapped.
 */
export function comparePhone(a: NormalisedPhone | null, b: NormalisedPhone | null): MatchCode {
  if (!a || !b) return 'no_data';
  if (a === b) return 'match';
  return isOneKeyTypo(a, b) ? 'partial_match' : 'no_match';
}

export const phoneNumberField = defineField({
  normalise: (identity) => normalisePhone(identity.phone_number),
  compare: comparePhone,
  blockingKeys: (phone) => [`phone:${phone}`],
});
