/** name: given and family names, compared part by part (never as one string, so that
 * "Ann Perkins" and "Andy Perkins" — a shared surname — are not a near match). */
import type { MatchCode } from '../codes';
import { editDistance, phonetic, similarity, words } from '../text';
import { sameNickname } from './nicknames';
import { defineField } from './field';

export interface NormalisedName {
  /** Folded words of the given name; the first is the name people are called by. */
  given: string[];
  /** Folded words of the family name ("Knope-Wyatt" → knope, wyatt). */
  family: string[];
  /** The words run together, so "O'Brien" = "OBrien" and "Van der Berg" = "Vanderberg". */
  givenCompact: string;
  familyCompact: string;
}

/** Titles and generational suffixes: not part of who someone is for matching. */
const IGNORED = new Set(['mr', 'mrs', 'ms', 'miss', 'mx', 'dr', 'prof', 'jr', 'sr', 'ii', 'iii', 'iv']);
/** Family-name particles, too common to count as a shared part ("de la Cruz" vs "de Leon"). */
const PARTICLES = new Set([
  'de',
  'del',
  'la',
  'las',
  'los',
  'le',
  'da',
  'das',
  'do',
  'dos',
  'di',
  'du',
  'van',
  'von',
  'der',
  'den',
  'ten',
  'ter',
  'bin',
  'ibn',
  'al',
  'el',
  'st',
  'mac',
  'mc',
  'y',
  'e',
]);

function nameWords(value: string): string[] {
  const all = words(value);
  const kept = all.filter((w) => !IGNORED.has(w));
  return kept.length > 0 ? kept : all;
}

export function normaliseName(name: { given_name: string; family_name: string } | null): NormalisedName | null {
  if (!name) return null;
  const given = nameWords(name.given_name);
  const family = nameWords(name.family_name);
  if (given.length === 0 && family.length === 0) return null;
  return { given, family, givenCompact: given.join(''), familyCompact: family.join('') };
}

/** Two spellings of one name: equal, one typo (two in long names), or sounding alike and
 * close in spelling ("Steven"/"Stephen", "Jon"/"John"). */
export function similarWords(a: string, b: string): boolean {
  if (a === b) return true;
  const shorter = Math.min(a.length, b.length);
  if (shorter < 3) return false;
  const distance = editDistance(a, b, 2);
  if (shorter >= 4 && distance <= 1) return true;
  if (shorter >= 7 && distance <= 2 && similarity(a, b) >= 0.9) return true;
  return phonetic(a) === phonetic(b) && similarity(a, b) >= 0.88;
}

/** Given names that can be the same person's: same first word (a middle name added or
 * dropped), a typo, a nickname ("Bob"/"Robert"), or a short form ("Chris"/"Christopher"). */
function givenAgrees(a: NormalisedName, b: NormalisedName): boolean {
  const [x, y] = [a.given[0], b.given[0]];
  if (x === undefined || y === undefined) return false;
  if (a.givenCompact === b.givenCompact || similarWords(x, y) || sameNickname(x, y)) return true;
  const [short, long] = x.length <= y.length ? [x, y] : [y, x];
  return short.length >= 3 && long.startsWith(short);
}

/** Family names that can be the same person's: equal run together, a typo, or sharing a
 * word ("Knope" and "Knope-Wyatt": a name added at marriage). */
function familyAgrees(a: NormalisedName, b: NormalisedName): boolean {
  if (a.familyCompact === '' || b.familyCompact === '') return false;
  if (similarWords(a.familyCompact, b.familyCompact)) return true;
  return a.family.some((w) => w.length >= 3 && !PARTICLES.has(w) && b.family.includes(w));
}

/** Given and family entered the other way round ("Wyatt Ben" for Ben Wyatt), a middle name
 * added or dropped on the way ("Wyatt Ben" for Ben Andrew Wyatt). */
function swapped(a: NormalisedName, b: NormalisedName): boolean {
  const givenIs = (name: NormalisedName, family: string) => similarWords(name.givenCompact, family) || (name.given[0] !== undefined && similarWords(name.given[0], family));
  return givenIs(a, b.familyCompact) && givenIs(b, a.familyCompact);
}

/**
 * match: the same given and family names once normalised.
 * partial_match: both parts agree approximately, or the parts are swapped.
 */
export function compareName(a: NormalisedName | null, b: NormalisedName | null): MatchCode {
  if (!a || !b) return 'no_data';
  if (a.givenCompact === b.givenCompact && a.familyCompact === b.familyCompact) return 'match';
  if ((givenAgrees(a, b) && familyAgrees(a, b)) || swapped(a, b)) return 'partial_match';
  return 'no_match';
}

/** Phonetic codes of the words a name is found by: the first given word and each family word
 * (particles aside), at most `max`. Shared namespace, so swapped names still meet. */
export function nameSounds(name: NormalisedName, max = 3): string[] {
  const sounds = new Set<string>();
  const first = name.given[0];
  if (first) sounds.add(phonetic(first));
  const family = name.family.filter((w) => !PARTICLES.has(w));
  for (const w of family.length > 0 ? family : name.family) {
    if (sounds.size >= max) break;
    sounds.add(phonetic(w));
  }
  return [...sounds];
}

/** The registry entry: no key of its own (a bare name is shared by too many); its sounds go
 * into the keys of the birth date, the address and an SSN's last four. */
export const nameField = defineField({
  normalise: (identity) => normaliseName(identity.name),
  compare: compareName,
});
