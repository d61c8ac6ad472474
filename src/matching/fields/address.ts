/** address: street (house number, street name, unit), city, region, postal code, country. */
import type { MatchCode } from '../codes';
import { editDistance, fold, similarity, words } from '../text';
import type { Identity } from '../identity';
import { defineField } from './field';

export interface NormalisedAddress {
  country: string;
  /** US: the 5 digits; elsewhere upper case without spaces or hyphens. */
  postal: string | null;
  region: string | null;
  /** Folded words of the city, abbreviated as streets are ("Saint Paul" = "St Paul"). */
  city: string;
  /** The leading house number ("123", "12b"), if the street starts with one. */
  number: string | null;
  /** The street without its number and unit, in USPS abbreviations: "main st". */
  street: string;
  /** The unit (apartment, suite, floor...) from `street2` or the end of `street`: "4b". */
  unit: string | null;
}

/** USPS Publication 28 street suffixes (the common ones), plus a few city words. */
const ABBREVIATIONS: Record<string, string> = {
  alley: 'aly',
  avenue: 'ave',
  av: 'ave',
  avenu: 'ave',
  boulevard: 'blvd',
  boul: 'blvd',
  bypass: 'byp',
  causeway: 'cswy',
  center: 'ctr',
  centre: 'ctr',
  circle: 'cir',
  court: 'ct',
  cove: 'cv',
  crossing: 'xing',
  crescent: 'cres',
  drive: 'dr',
  drv: 'dr',
  expressway: 'expy',
  extension: 'ext',
  freeway: 'fwy',
  gardens: 'gdns',
  grove: 'grv',
  heights: 'hts',
  highway: 'hwy',
  hwy: 'hwy',
  hollow: 'holw',
  island: 'is',
  junction: 'jct',
  lane: 'ln',
  loop: 'loop',
  manor: 'mnr',
  meadows: 'mdws',
  mount: 'mt',
  mountain: 'mtn',
  parkway: 'pkwy',
  pky: 'pkwy',
  place: 'pl',
  plaza: 'plz',
  point: 'pt',
  ridge: 'rdg',
  road: 'rd',
  route: 'rte',
  square: 'sq',
  station: 'sta',
  street: 'st',
  str: 'st',
  terrace: 'ter',
  trail: 'trl',
  turnpike: 'tpke',
  valley: 'vly',
  view: 'vw',
  village: 'vlg',
  way: 'way',
  fort: 'ft',
  saint: 'st',
  // Directionals.
  north: 'n',
  south: 's',
  east: 'e',
  west: 'w',
  northeast: 'ne',
  northwest: 'nw',
  southeast: 'se',
  southwest: 'sw',
  // Spelled ordinals, as in "First Avenue".
  first: '1st',
  second: '2nd',
  third: '3rd',
  fourth: '4th',
  fifth: '5th',
  sixth: '6th',
  seventh: '7th',
  eighth: '8th',
  ninth: '9th',
  tenth: '10th',
};

/** Words that introduce a unit: what follows them is the unit's identifier. */
const UNIT_WORDS = new Set(['apt', 'apartment', 'unit', 'ste', 'suite', 'fl', 'floor', 'rm', 'room', 'bldg', 'building', 'spc', 'trlr', 'trailer', 'dept', 'department']);

const DIRECTIONALS = new Set(['n', 's', 'e', 'w', 'ne', 'nw', 'se', 'sw']);
/** Abbreviated words that only qualify a street name: "N Main St" and "Main" share the core "main". */
const QUALIFIERS = new Set(Object.values(ABBREVIATIONS).filter((w) => !/^\d/.test(w)));

/** The directionals of a street, "" if none: "N Main St" → "n". */
function directionals(street: string): string {
  return street
    .split(' ')
    .filter((w) => DIRECTIONALS.has(w))
    .join(' ');
}

/** Folded, abbreviated words; "#" becomes a unit word so "#4" reads as "unit 4". */
function addressWords(value: string): string[] {
  return words(value.replace(/#/g, ' unit ')).map((w) => ABBREVIATIONS[w] ?? w);
}

/** Splits a street line at its first unit word: ["123 main st", "4b"]. */
function splitUnit(tokens: string[]): { street: string[]; unit: string[] } {
  const at = tokens.findIndex((w, i) => i > 0 && UNIT_WORDS.has(w));
  return at < 0 ? { street: tokens, unit: [] } : { street: tokens.slice(0, at), unit: tokens.slice(at + 1) };
}

/** A unit's identifier without the words that introduce it: "Apt. 4B", "#4b", "4B" → "4b". */
function unitOf(tokens: string[]): string | null {
  const id = tokens.filter((w) => !UNIT_WORDS.has(w)).join('');
  return id || null;
}

function postalOf(country: string, postal: string | null): string | null {
  if (!postal) return null;
  const compact = fold(postal)
    .replace(/[^a-z0-9]/g, '')
    .toUpperCase();
  return (country === 'US' ? compact.slice(0, 5) : compact) || null;
}

export function normaliseAddress(address: Identity['address']): NormalisedAddress | null {
  if (!address) return null;
  const line = splitUnit(addressWords(address.street));
  const first = line.street[0];
  const number = first && /^\d+[a-z]?$/.test(first) ? first : null;
  const unit = unitOf([...line.unit, ...(address.street2 ? addressWords(address.street2) : [])]);
  return {
    country: address.country.toUpperCase(),
    postal: postalOf(address.country, address.postal_code),
    region: address.region ? address.region.toUpperCase() : null,
    city: addressWords(address.city).join(' '),
    number,
    street: (number ? line.street.slice(1) : line.street).join(' '),
    unit,
  };
}

/** The same town: the same postal code where both have one, else the same city (and region,
 * where both have one). */
export function sameLocality(a: NormalisedAddress, b: NormalisedAddress): boolean {
  if (a.country !== b.country) return false;
  if (a.postal && b.postal) return a.postal === b.postal;
  if (a.region && b.region && a.region !== b.region) return false;
  return a.city === b.city;
}

/** A street name without its type and directionals: "main st n" → "main". */
function core(street: string): string {
  return street
    .split(' ')
    .filter((w) => !QUALIFIERS.has(w))
    .join(' ');
}

/** The same street, allowing a typo in its name (never in the house number). */
function similarStreet(a: NormalisedAddress, b: NormalisedAddress): boolean {
  if (a.number !== b.number) return false;
  if (a.street === b.street) return true;
  // North Main Street and South Main Street are different streets, however alike they read.
  const [da, db] = [directionals(a.street), directionals(b.street)];
  if (da && db && da !== db) return false;
  const x = a.street.replace(/ /g, '');
  const y = b.street.replace(/ /g, '');
  const shorter = Math.min(x.length, y.length);
  if (core(a.street) !== '' && core(a.street) === core(b.street)) return true;
  if (shorter < 4) return false;
  const distance = editDistance(x, y, 2);
  return distance <= 1 || (shorter >= 8 && distance <= 2 && similarity(x, y) >= 0.9);
}

/**
 * match: the same locality, house number, street and unit (or neither has a unit).
 * partial_match: the same locality and house number, with a typo in the street name or a
 * different or missing unit; or the same street, number and unit with a mistyped postal
 * code in the same city.
 */
export function compareAddress(a: NormalisedAddress | null, b: NormalisedAddress | null): MatchCode {
  if (!a || !b) return 'no_data';
  if (a.country !== b.country) return 'no_match';
  const street = a.number === b.number && a.street === b.street;
  const unit = a.unit === b.unit;
  if (sameLocality(a, b)) {
    if (street && unit) return 'match';
    return similarStreet(a, b) ? 'partial_match' : 'no_match';
  }
  const sameCity = a.city === b.city && (!a.region || !b.region || a.region === b.region);
  return street && unit && sameCity && a.number !== null ? 'partial_match' : 'no_match';
}

export const addressField = defineField({
  normalise: (identity) => normaliseAddress(identity.address),
  compare: compareAddress,
  // The house with a sound of the name: catches the same person with a mistyped birth date;
  // only namesakes in one house share it.
  nameKeys: (address, sounds) => {
    const place = `${address.country}:${address.postal ?? address.city}:${address.number ?? address.street}`;
    return sounds.map((sound) => `addr+name:${place}:${sound}`);
  },
});
