/** date_of_birth: `YYYY-MM-DD` (validation guarantees a real calendar date). */
import type { MatchCode } from '../codes';
import { isOneKeyTypo } from '../text';
import { defineField } from './field';

export interface NormalisedDate {
  year: string;
  month: string;
  day: string;
}

export function normaliseDateOfBirth(value: string | null): NormalisedDate | null {
  const m = value ? /^(\d{4})-(\d{2})-(\d{2})$/.exec(value) : null;
  return m ? { year: m[1]!, month: m[2]!, day: m[3]! } : null;
}

/** A keying slip in a year that moves it less than ten years: the last digit mistyped, or
 * the last two swapped when they are neighbours ("1987"/"1978"). A larger slip ("1965"/"1995",
 * "1958"/"1985") is not counted: it is also how a parent's and a child's birth years differ. */
function yearTypo(a: string, b: string): boolean {
  return isOneKeyTypo(a, b) && Math.abs(Number(a) - Number(b)) < 10;
}

/**
 * match: the same date.
 * partial_match: day and month swapped (a US/European date-order mix-up), or one part
 * differs by a single keying slip (one digit, or two adjacent digits swapped) — see yearTypo.
 */
export function compareDateOfBirth(a: NormalisedDate | null, b: NormalisedDate | null): MatchCode {
  if (!a || !b) return 'no_data';
  const sameYear = a.year === b.year;
  const sameMonth = a.month === b.month;
  const sameDay = a.day === b.day;
  if (sameYear && sameMonth && sameDay) return 'match';
  if (sameYear && a.month === b.day && a.day === b.month) return 'partial_match';
  if (sameYear && sameMonth && isOneKeyTypo(a.day, b.day)) return 'partial_match';
  if (sameYear && sameDay && isOneKeyTypo(a.month, b.month)) return 'partial_match';
  if (sameMonth && sameDay && yearTypo(a.year, b.year)) return 'partial_match';
  return 'no_match';
}

/** Month and day in order, so that a date and its day/month swap share them. */
function monthDay(d: NormalisedDate): string {
  return d.month <= d.day ? `${d.month}:${d.day}` : `${d.day}:${d.month}`;
}

export const dateOfBirthField = defineField({
  normalise: (identity) => normaliseDateOfBirth(identity.date_of_birth),
  compare: compareDateOfBirth,
  // A date alone is shared by ~1 in 26,000 people: always with a sound of the name. A date
  // with one part slipped shares two of its parts: those, with two sounds of the name (given
  // and family, in either order), find it.
  nameKeys: (dob, sounds) => {
    const keys = sounds.map((sound) => `dob+name:${dob.year}:${monthDay(dob)}:${sound}`);
    if (sounds.length < 2) return keys;
    const names = sounds.slice(0, 2).sort().join(':');
    return [...keys, `dob-ym+names:${dob.year}:${dob.month}:${names}`, `dob-md+names:${monthDay(dob)}:${names}`, `dob-yd+names:${dob.year}:${dob.day}:${names}`];
  },
});
