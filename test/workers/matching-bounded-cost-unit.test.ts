import damerauLevenshtein from 'damerau-levenshtein';
import { describe, expect, it } from 'vitest';
import type { Identity } from '../../src/domain/beacon-users/identity';
import { blockingKeys } from '../../src/matching/blocking-keys';
import { compareIdentities, normaliseIdentity } from '../../src/matching/compare';
import { editDistance, fold, MAX_TEXT_LENGTH, MAX_TEXT_WORDS, words } from '../../src/matching/text';
import { BeaconUserRequestData } from '../../src/schemas/beacon-user';
import { random } from '../random';
import { leslie } from './support/matching';

/** The edit distances callers ask about: one or two edits (names, streets, email). */
const BOUNDS = [1, 2];

describe('editDistance: banded Damerau–Levenshtein (optimal string alignment)', () => {
  // Pieces that strings are made of: few letters (so near matches and swaps are common),
  // accents precomposed and combining, surrogate pairs, other scripts, a compatibility character.
  const ALPHABETS = [
    ['a', 'b'],
    ['a', 'b', 'c', 'd', 'e'],
    ['a', 'é', 'e\u0301', 'ß', '😀', '👩‍👩‍👧', '中', 'ا', 'ﷺ', 'Ω'],
  ];
  const rand = random(9);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(rand() * list.length)]!;
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
    const swaps = pairs.filter(
      ([a, b]) => a.length === b.length && a.length > 1 && damerauLevenshtein(a, b).steps === 1 && [...a].sort().join() === [...b].sort().join() && a !== b,
    );
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

  it('on the longest values, stays within the band; stops at once when the lengths differ too much, and at the first row past the bound', () => {
    const long = 'ab'.repeat(MAX_TEXT_LENGTH / 2);
    const typo = `b${long.slice(1, -2)}ba`;
    for (const max of BOUNDS) {
      const near = { cells: 0 };
      expect(editDistance(long, typo, max, near)).toBe(Math.min(2, max + 1));
      expect(near.cells).toBeLessThanOrEqual((2 * max + 1) * MAX_TEXT_LENGTH);
      expect(near.cells).toBeGreaterThan(MAX_TEXT_LENGTH); // it did compare them all the way

      const lengths = { cells: 0 };
      expect(editDistance(long, long.slice(max + 1), max, lengths)).toBe(max + 1);
      expect(lengths.cells).toBe(0);

      const unlike = { cells: 0 };
      expect(editDistance(long, 'c'.repeat(MAX_TEXT_LENGTH), max, unlike)).toBe(max + 1);
      expect(unlike.cells).toBeLessThanOrEqual((2 * max + 1) * (max + 1));
    }
  });
});

describe('normalised text is bounded', () => {
  const repeat = (piece: string, length: number) => piece.repeat(Math.ceil(length / piece.length)).slice(0, length);
  // The most expanding inputs within validation (100 UTF-16 units a name part, 80 a street,
  // 50 a street2, 100 a city, 254 an email address).
  const HOSTILE: Record<string, string> = {
    'U+FDFA (ﷺ: 4 words, 18 characters folded)': '\uFDFA',
    'U+FDFB (ﷻ, 8 characters)': '\uFDFB',
    'ligature ﬃ and ㎒': '\uFB03\u3392',
    'one-letter words': 'a ',
    'a letter under 99 combining marks': `a${'\u0301'.repeat(99)}`,
    'emoji, mixed scripts and compatibility digits': '👩‍👩‍👧 Ωμέγα 中文 ⑽ ﷺ ',
    '"#" (read as " unit ")': '#x',
  };
  const hostile = (piece: string): Identity =>
    leslie({
      name: { given_name: repeat(piece, 100), family_name: repeat(piece, 100) },
      address: { street: `1 x${repeat(piece, 77)}`, street2: repeat(piece, 50), city: repeat(`x${piece}`, 100), region: 'IN', postal_code: '47998', country: 'US' },
      email_address: `${'a'.repeat(240)}@b.co`,
    });

  for (const [title, piece] of Object.entries(HOSTILE)) {
    it(`to ${MAX_TEXT_LENGTH} characters and ${MAX_TEXT_WORDS} words a field: ${title}`, () => {
      const identity = hostile(piece);
      const { depository_accounts: accounts, ...request } = identity;
      expect(BeaconUserRequestData.safeParse({ ...request, depository_accounts: accounts.map(({ added_at: _, ...a }) => a) }).success).toBe(true);
      const { name, address, email_address: email } = normaliseIdentity(identity);
      for (const part of [name!.given, name!.family]) {
        expect(part.length).toBeLessThanOrEqual(MAX_TEXT_WORDS);
        expect(part.join('').length).toBeLessThanOrEqual(MAX_TEXT_LENGTH);
      }
      // What the comparators measure: words, names run together, the street without spaces.
      expect(name!.givenCompact.length).toBeLessThanOrEqual(MAX_TEXT_LENGTH);
      expect(name!.familyCompact.length).toBeLessThanOrEqual(MAX_TEXT_LENGTH);
      expect(address!.street.length).toBeLessThanOrEqual(MAX_TEXT_LENGTH);
      expect(address!.city.length).toBeLessThanOrEqual(MAX_TEXT_LENGTH);
      // The unit is the end of the street line and street2 together; it is only ever tested for equality.
      expect((address!.unit ?? '').length).toBeLessThanOrEqual(2 * MAX_TEXT_LENGTH);
      expect(email!.local.length).toBeLessThanOrEqual(MAX_TEXT_LENGTH);
    });
  }

  it('folds only what it keeps: the same as folding all and cutting, marks outside the BMP included', () => {
    const values = [
      ...Object.values(HOSTILE).map((piece) => repeat(piece, 100)),
      'abcd\u{1D167}efgh', // a combining mark as a surrogate pair, across the end of a piece of 5
      'Zoë Ångström ẞtraße ÆBLE Łódź Þór',
    ];
    // Compared escaped: a lone surrogate in a failure message would break the test runner's report.
    const escaped = JSON.stringify;
    for (const value of values) {
      for (const limit of [1, 5, 17, MAX_TEXT_LENGTH]) expect(escaped(fold(value, limit)), `${escaped(value)} / ${limit}`).toBe(escaped(fold(value).slice(0, limit)));
    }
  });

  it('the worst input does expand past the bounds before they apply (so the bounds are what hold)', () => {
    expect(fold(repeat('\uFDFA', 100)).length).toBe(1800);
    expect(fold(repeat('\uFDFA', 100)).match(/[\p{L}\p{N}]+/gu)!.length).toBe(301);
  });

  it('leaves real values whole: long names in Latin, German, Vietnamese, Korean, Arabic and a Spanish string of given names', () => {
    const real = [
      'Pablo Diego José Francisco de Paula Juan Nepomuceno María de los Remedios Cipriano de la Santísima',
      'Hubert Blaine Wolfeschlegelsteinhausenbergerdorff Graßmann-Æbelø Sørensen-Łukasiewicz Þórsdóttir',
      'Nguyễn Thị Phương Thảo Trần Hoàng Hữu Đức Phạm Quỳnh Như Lê Ngọc Ánh Dương Vũ Bảo Khánh Hồ Xuân',
      '남궁 민수 선우 재덕 황보 혜정 제갈 성렬 독고 영재 사공 민정 서문 탁 동방 석',
      'عبد الرحمن بن محمد بن عبد الله آل سعود',
    ];
    for (const value of real) {
      expect(value.length).toBeLessThanOrEqual(100);
      expect(words(value)).toEqual(fold(value).match(/[\p{L}\p{N}]+/gu));
    }
  });

  it('every comparison, blocking key and digest sees the bounded form: names that differ only past the bound are the same name', () => {
    const long = (end: string) => ({ given_name: 'Leslie', family_name: `${'\uFDFA'.repeat(99)}${end}` });
    const a = leslie({ name: long('A') });
    const b = leslie({ name: long('B') });
    expect(compareIdentities(a, b).name).toBe('match');
    expect(blockingKeys(a)).toEqual(blockingKeys(b));
    // Within the bound, a difference still shows.
    expect(compareIdentities(leslie({ name: { given_name: 'Leslie', family_name: 'A' } }), leslie({ name: { given_name: 'Leslie', family_name: 'B' } })).name).toBe('no_match');
  });
});
