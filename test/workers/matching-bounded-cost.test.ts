import damerauLevenshtein from 'damerau-levenshtein';
import { describe, expect, it } from 'vitest';
import { editDistance } from '../../src/domain/matching/text';

/** A small deterministic generator (mulberry32), so failures are repeatable. */
function random(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The edit distances callers ask about: one or two edits (names, streets, email). */
const BOUNDS = [1, 2];

describe('editDistance: banded Damerau–Levenshtein (optimal string alignment)', () => {
  // Pieces that strings are made of: few letters (so near matches and swaps are common),
  // accents precomposed and combining, surrogate pairs, other scripts, a compatibility character.
  const ALPHABETS = [['a', 'b'], ['a', 'b', 'c', 'd', 'e'], ['a', 'é', 'e\u0301', 'ß', '😀', '👩‍👩‍👧', '中', 'ا', 'ﷺ', 'Ω']];
  const rand = random(9);
  const pick = <T,>(list: readonly T[]): T => list[Math.floor(rand() * list.length)]!;
  const text = (alphabet: string[], max: number) => Array.from({ length: Math.floor(rand() * (max + 1)) }, () => pick(alphabet)).join('');

  /** Up to 4 random edits of code units: insertions, deletions, substitutions, adjacent swaps. */
  function edited(value: string, alphabet: string[]): string {
    const units = value.split('');
    for (let n = Math.floor(rand() * 5); n > 0; n--) {
      const at = Math.floor(rand() * (units.length + 1));
      const unit = pick(pick(alphabet).split(''));
      const kind = pick(['insert', 'delete', 'substitute', 'swap', 'swap']);
      if (kind === 'insert') units.splice(at, 0, unit);
      else if (kind === 'delete') units.splice(at, 1);
      else if (kind === 'substitute') units[at] = unit;
      else if (at + 1 < units.length) [units[at], units[at + 1]] = [units[at + 1]!, units[at]!];
    }
    return units.join('');
  }

  const pairs: [string, string][] = [];
  for (let i = 0; i < 6000; i++) {
    const alphabet = pick(ALPHABETS);
    const a = text(alphabet, i % 10 === 0 ? 40 : 12);
    pairs.push([a, rand() < 0.85 ? edited(a, alphabet) : text(alphabet, 12)]);
  }

  it('the generated pairs cover every outcome: equal, 1 and 2 edits, more, and swaps', () => {
    const distances = pairs.map(([a, b]) => damerauLevenshtein(a, b).steps);
    for (const d of [0, 1, 2, 3]) expect(distances.filter((x) => x === d).length, `distance ${d}`).toBeGreaterThan(300);
    expect(distances.filter((x) => x > 4).length).toBeGreaterThan(300);
    const swaps = pairs.filter(([a, b]) => a.length === b.length && a.length > 1 && damerauLevenshtein(a, b).steps === 1 && [...a].sort().join() === [...b].sort().join() && a !== b);
    expect(swaps.length).toBeGreaterThan(100);
    expect(pairs.filter(([a]) => /[\uD800-\uDFFF]/.test(a)).length).toBeGreaterThan(300);
  });

  for (const max of BOUNDS) {
    it(`with at most ${max} edits, gives what the damerau-levenshtein package gives (or ${max + 1} for more), either way round`, () => {
      for (const [a, b] of pairs) {
        const expected = Math.min(damerauLevenshtein(a, b).steps, max + 1);
        expect(editDistance(a, b, max), `${JSON.stringify(a)} / ${JSON.stringify(b)}`).toBe(expected);
        expect(editDistance(b, a, max), `${JSON.stringify(b)} / ${JSON.stringify(a)}`).toBe(expected);
      }
    });

    it(`with at most ${max} edits, fills at most ${2 * max + 1} cells a row`, () => {
      for (const [a, b] of pairs) {
        const work = { cells: 0 };
        editDistance(a, b, max, work);
        expect(work.cells).toBeLessThanOrEqual((2 * max + 1) * Math.max(a.length, b.length));
      }
    });
  }

  it('counts a swap of two adjacent characters as one edit, and edits each character once (not unrestricted Damerau–Levenshtein)', () => {
    expect(editDistance('knope', 'knoep', 2)).toBe(1);
    expect(editDistance('ab', 'ba', 1)).toBe(1);
    // "ca" → "ac" → "abc" is 2 edits, but edits the swapped "a" again; alignment counts 3.
    expect(editDistance('ca', 'abc', 2)).toBe(3);
    expect(damerauLevenshtein('ca', 'abc').steps).toBe(3);
  });

  it('on long values, stays within the band; stops at once when the lengths differ too much, and at the first row past the bound', () => {
    const long = 'ab'.repeat(80);
    const typo = `b${long.slice(1, -2)}ba`;
    for (const max of BOUNDS) {
      const near = { cells: 0 };
      expect(editDistance(long, typo, max, near)).toBe(Math.min(2, max + 1));
      expect(near.cells).toBeLessThanOrEqual((2 * max + 1) * long.length);
      expect(near.cells).toBeGreaterThan(long.length); // it did compare them all the way

      const lengths = { cells: 0 };
      expect(editDistance(long, long.slice(max + 1), max, lengths)).toBe(max + 1);
      expect(lengths.cells).toBe(0);

      const unlike = { cells: 0 };
      expect(editDistance(long, 'c'.repeat(long.length), max, unlike)).toBe(max + 1);
      expect(unlike.cells).toBeLessThanOrEqual((2 * max + 1) * (max + 1));
    }
  });
});
