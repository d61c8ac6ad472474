/** Text helpers shared by the field comparators: folding, tokens, similarity, phonetics.
 * Every two-argument helper here is symmetric, so comparators built on them are too. */
import damerauLevenshtein from 'damerau-levenshtein';
import { doubleMetaphone } from 'double-metaphone';
import jaroWinkler from 'jaro-winkler';

/** Letters that Unicode decomposition does not reduce to a base letter plus marks. */
const LIGATURES: Record<string, string> = {
  ß: 'ss', æ: 'ae', œ: 'oe', ø: 'o', ł: 'l', đ: 'd', ð: 'd', þ: 'th', ı: 'i', ħ: 'h',
};
const LIGATURE_RE = new RegExp(`[${Object.keys(LIGATURES).join('')}]`, 'g');

/** Lower case without accents or other diacritics: "Zoë Ångström" → "zoe angstrom". */
export function fold(value: string): string {
  return value
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(LIGATURE_RE, (c) => LIGATURES[c] ?? c);
}

/** Folded words: runs of letters and digits; punctuation and whitespace separate them. */
export function words(value: string): string[] {
  return fold(value).match(/[\p{L}\p{N}]+/gu) ?? [];
}

/** Only the digits of a string. */
export function digits(value: string): string {
  return value.replace(/\D/g, '');
}

/** Orders a pair so that asymmetric library functions give symmetric answers. */
function ordered(a: string, b: string): [string, string] {
  return a <= b ? [a, b] : [b, a];
}

/** Jaro–Winkler similarity in [0, 1]; rewards a common prefix, the usual place typos are not. */
export function similarity(a: string, b: string): number {
  if (a === b) return 1;
  const [x, y] = ordered(a, b);
  return jaroWinkler(x, y);
}

/** Damerau–Levenshtein distance (insertions, deletions, substitutions, adjacent swaps).
 * The library stops early past 4 edits; callers only ask about 1 or 2. */
export function editDistance(a: string, b: string): number {
  if (a === b) return 0;
  const [x, y] = ordered(a, b);
  return damerauLevenshtein(x, y).steps;
}

/** Equal-length strings that differ in exactly one position, or by one swap of two adjacent
 * characters: the typos of digit strings (dates, phone, id and account numbers). */
export function isOneKeyTypo(a: string, b: string): boolean {
  if (a.length !== b.length || a === b) return false;
  const diffs: number[] = [];
  for (let i = 0; i < a.length; i++) {
    if (a[i] !== b[i]) {
      diffs.push(i);
      if (diffs.length > 2) return false;
    }
  }
  if (diffs.length === 1) return true;
  const [i, j] = diffs as [number, number];
  return j === i + 1 && a[i] === b[j] && a[j] === b[i];
}

/** Primary Double Metaphone code: how a (mostly English) name sounds, e.g. "Catherine" and
 * "Katherine" → "K0RN". Falls back to the word itself for words without letters. */
export function phonetic(word: string): string {
  const [primary] = doubleMetaphone(word);
  return primary || word;
}
