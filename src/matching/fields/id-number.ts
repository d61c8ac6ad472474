/** id_number: a document type and its value (validation strips formatting characters). */
import type { IdNumberType } from '../../vocabulary';
import type { MatchCode } from '../codes';
import { isOneKeyTypo } from '../text';
import { defineField } from './field';

export interface NormalisedIdNumber {
  type: IdNumberType;
  /** Upper case letters and digits. */
  value: string;
}

export function normaliseIdNumber(id: { value: string; type: IdNumberType } | null): NormalisedIdNumber | null {
  if (!id) return null;
  const value = id.value.toUpperCase().replace(/[^A-Z0-9]/g, '');
  return value ? { type: id.type, value } : null;
}

/** The last four digits of a US SSN, whichever of the two forms was given. */
export function ssnLast4(id: NormalisedIdNumber): string | null {
  return id.type === 'us_ssn' || id.type === 'us_ssn_last_4' ? id.value.slice(-4) : null;
}

/**
 * match: the same type and value.
 * partial_match: the same type with one digit mistyped or two adjacent swapped; or a full
 * SSN against an SSN's last four that agree.
 * no_data: different document types (a passport number says nothing about a driver's licence).
 */
export function compareIdNumber(a: NormalisedIdNumber | null, b: NormalisedIdNumber | null): MatchCode {
  if (!a || !b) return 'no_data';
  if (a.type === b.type) {
    if (a.value === b.value) return 'match';
    return a.value.length >= 4 && isOneKeyTypo(a.value, b.value) ? 'partial_match' : 'no_match';
  }
  const [x, y] = [ssnLast4(a), ssnLast4(b)];
  if (x === null || y === null) return 'no_data';
  return x === y ? 'partial_match' : 'no_match';
}

export const idNumberField = defineField({
  normalise: (identity) => normaliseIdNumber(identity.id_number),
  compare: compareIdNumber,
  blockingKeys: (id) => (id.type !== 'us_ssn_last_4' ? [`id:${id.type}:${id.value}`] : []),
  // 10,000 values only: the last four of an SSN is found together with a sound of the name.
  nameKeys: (id, sounds) => {
    const last4 = ssnLast4(id);
    return last4 ? sounds.slice(0, 2).map((sound) => `ssn4+name:${last4}:${sound}`) : [];
  },
});
