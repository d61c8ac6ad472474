/** Text helpers shared by the field comparators: folding, tokens, similarity, phonetics.
 * Every two-argument helper here is symmetric, so comparators built on them are too. */
import { doubleMetaphone } from 'double-metaphone';
import jaroWinkler from 'jaro-winkler';

/** Letters that Unicode decomposition does not reduce to a base letter plus marks. */
const LIGATURES: Record<string, string> = {
  ß: 'ss',
  æ: 'ae',
  œ: 'oe',
  ø: 'o',
  ł: 'l',
  đ: 'd',
  ð: 'd',
  þ: 'th',
  ı: 'i',
  ħ: 'h',
};
const LIGATURE_RE = new RegExp(`[${Object.keys(LIGATURES).join('')}]`, 'g');

/** Lower case without accents or other diacritics: "Zoë Ångström" → "zoe angstrom". With a
 * `limit`, the first `limit` characters of that, folding little more than what is kept (a Greek
 * Σ cut off at the very end may take its word-final form ς). */
export function fold(value: string, limit = Infinity): string {
  const decomposed = value.normalize('NFKD');
  // Dropping marks is the costly step (1,800 characters for 100 × "ﷺ") and the only one that
  // shortens: drop them a piece at a time until `limit` characters are left. A piece never ends
  // inside a surrogate pair, so a mark outside the BMP is seen whole.
  let kept = '';
  for (let at = 0; at < decomposed.length && kept.length < limit; ) {
    let end = at + limit;
    if (/[\uD800-\uDBFF]/.test(decomposed.charAt(end - 1))) end++;
    kept += decomposed.slice(at, end).replace(/\p{M}/gu, '');
    at = end;
  }
  return kept
    .toLowerCase()
    .replace(LIGATURE_RE, (c) => LIGATURES[c] ?? c)
    .slice(0, limit);
}

/** Bounds on every normalised text field (a name part, a street line, street2, a city, an email's
 * local part), so that comparing two values costs a bounded amount whatever was entered: the
 * quadratic Jaro–Winkler and Double Metaphone only ever see bounded values. They apply here,
 * where text is normalised, so blocking keys, comparisons and analyses all see the same value.
 * Folding expands some characters up to 18 times ("ﷺ" → 4 words, 18 characters): a 100-character
 * name could become 1,800 characters and 300 words. Real text barely expands (ß → ss, a Hangul
 * syllable → 2–3 letters) and validation allows 100 characters a name part (an email's local part
 * is at most 64 by RFC 5321), so real values stay well inside. */
export const MAX_TEXT_LENGTH = 128;
export const MAX_TEXT_WORDS = 32;

/** Folded words: runs of letters and digits; punctuation and whitespace separate them. At most
 * MAX_TEXT_WORDS words from the first MAX_TEXT_LENGTH folded characters, so the words and the
 * words run together are bounded too. */
export function words(value: string): string[] {
  return (fold(value, MAX_TEXT_LENGTH).match(/[\p{L}\p{N}]+/gu) ?? []).slice(0, MAX_TEXT_WORDS);
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

/**
 * Damerau–Levenshtein distance (insertions, deletions, substitutions, swaps of two adjacent
 * characters; the optimal string alignment variant, each character edited at most once), up to
 * `max`: the distance when it is at most `max`, else `max + 1`. Callers only ask whether two
 * values are within one or two edits, so only the cells of the matrix within `max` of its
 * diagonal are filled — (2·max + 1) per row, three rows kept — and it stops as soon as the
 * lengths, or a whole row, are more than `max` apart. `work.cells` counts the cells filled, so
 * tests can check that bound.
 */
export function editDistance(a: string, b: string, max: number, work?: { cells: number }): number {
  if (a === b) return 0;
  const [n, m] = [a.length, b.length];
  const over = max + 1;
  if (Math.abs(n - m) > max) return over;
  if (n === 0 || m === 0) return Math.max(n, m);
  // Rows i-2, i-1 and i of the matrix (row i: distances from a's first i characters to b's
  // first j); a cell outside the band counts as `over`, more than any caller asks about.
  let [before, previous, row] = [new Int32Array(m + 1), new Int32Array(m + 1), new Int32Array(m + 1)];
  for (let j = 0; j <= Math.min(m, max); j++) previous[j] = j;
  if (max + 1 <= m) previous[max + 1] = over;
  let aBefore = -1; // a's character before `ai`
  for (let i = 1; i <= n; i++) {
    const ai = a.charCodeAt(i - 1);
    const lo = Math.max(1, i - max);
    const hi = Math.min(m, i + max);
    let left = lo === 1 ? i : over; // the cell to the left of j
    row[lo - 1] = left;
    let rowMin = left;
    let bBefore = lo > 1 ? b.charCodeAt(lo - 2) : -1; // b's character before `bj`
    for (let j = lo; j <= hi; j++) {
      const bj = b.charCodeAt(j - 1);
      let d = previous[j - 1]! + (ai === bj ? 0 : 1);
      if (previous[j]! + 1 < d) d = previous[j]! + 1;
      if (left + 1 < d) d = left + 1;
      if (ai === bBefore && aBefore === bj && before[j - 2]! + 1 < d) d = before[j - 2]! + 1;
      row[j] = left = d;
      if (d < rowMin) rowMin = d;
      bBefore = bj;
    }
    if (work) work.cells += hi - lo + 1;
    // A row's smallest distance never shrinks in the rows below: past `max` here, past it at the end.
    if (rowMin > max) return over;
    if (hi + 1 <= m) row[hi + 1] = over;
    [before, previous, row] = [previous, row, before];
    aBefore = ai;
  }
  return Math.min(previous[m]!, over);
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
