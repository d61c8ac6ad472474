/**
 * Labelled identity data for evaluating matching: distinct people, re-entries of some of them
 * with realistic corruption, and hard negatives (different people built to look alike).
 * Deterministic for a given seed. Uses only faker and the project's own types, so it runs on
 * Node and in workerd alike.
 */
import { base, de, en, en_CA, en_GB, en_US, es_MX, Faker, fr } from '@faker-js/faker';
import type { Identity } from '../src/domain/beacon-users/identity';
import { normaliseEmail } from '../src/matching/fields/email-address';
import { nicknamesOf } from '../src/matching/fields/nicknames';

/** What a record is: an original person, a re-entry of one, or a hard negative of a kind. */
export type RecordKind =
  | 'original'
  | 'reentry'
  /** Same family name and address as the anchor; another given name and birth date. */
  | 'relative'
  /** Same full name and address as the anchor, a generation apart (Jr./Sr.). */
  | 'namesake_relative'
  /** The anchor's twin: same family name, birth date, address and network; another given name. */
  | 'twin'
  /** Same full name as the anchor, another birth date, living elsewhere. */
  | 'namesake'
  /** Another person on the anchor's office network (same IP). */
  | 'coworker'
  /** One of several people with a very common name (John Smith), each with their own birth date. */
  | 'common_name'
  /** A reported fraudster coming back disguised: the same person with one digit (one
   * character of the email) changed in every identifier — birth date, phone, email, id
   * number, account numbers; name and address as before. */
  | 'disguised';

export const HARD_NEGATIVE_KINDS: readonly RecordKind[] = ['relative', 'twin', 'namesake_relative', 'namesake', 'coworker', 'common_name'];

export interface LabelledRecord {
  /** Unique per record: `r000123`. */
  id: string;
  /** Same for every record of one person: two records are duplicates iff these are equal. */
  personId: string;
  kind: RecordKind;
  /** For re-entries: the corruptions applied; for hard negatives: empty. */
  corruptions: string[];
  /** For hard negatives: the person they were built to resemble. */
  anchorPersonId: string | null;
  identity: Identity;
}

export interface GenerateOptions {
  seed: number;
  /** Distinct people (originals); hard negatives are people too and come on top. */
  people: number;
  /** Share of people entered again (default 0.3); a fifth of those twice. */
  reentryRate?: number;
  /** Hard negatives per person (default 0.2). */
  hardNegativeRate?: number;
  /** Disguised re-entries per person (default 0.02). They are drawn from a random stream of
   * their own and inserted into the shuffled records, so the other records, and their order,
   * do not depend on this rate. */
  disguiseRate?: number;
  /** Reference date for birth dates and `added_at` (default 2025-01-01). */
  refDate?: string;
}

export interface Dataset {
  records: LabelledRecord[];
  options: Required<GenerateOptions>;
}

type Country = 'US' | 'CA' | 'GB' | 'DE' | 'FR' | 'MX';
const COUNTRIES: { value: Country; weight: number }[] = [
  { value: 'US', weight: 85 },
  { value: 'CA', weight: 4 },
  { value: 'GB', weight: 4 },
  { value: 'DE', weight: 2 },
  { value: 'FR', weight: 2 },
  { value: 'MX', weight: 3 },
];

/** The most frequent US surnames and given names (Census / SSA), so that collisions of
 * common names occur as they do in real programs. */
const COMMON_FAMILY = [
  'Smith',
  'Johnson',
  'Williams',
  'Brown',
  'Jones',
  'Garcia',
  'Miller',
  'Davis',
  'Rodriguez',
  'Martinez',
  'Hernandez',
  'Lopez',
  'Gonzalez',
  'Wilson',
  'Anderson',
  'Thomas',
  'Taylor',
  'Moore',
  'Jackson',
  'Martin',
  'Lee',
  'Perez',
  'Thompson',
  'White',
  'Harris',
  'Sanchez',
  'Clark',
  'Ramirez',
  'Lewis',
  'Robinson',
];
const COMMON_GIVEN_MALE = [
  'James',
  'Robert',
  'John',
  'Michael',
  'David',
  'William',
  'Richard',
  'Joseph',
  'Thomas',
  'Christopher',
  'Charles',
  'Daniel',
  'Matthew',
  'Anthony',
  'Mark',
];
const COMMON_GIVEN_FEMALE = ['Mary', 'Patricia', 'Jennifer', 'Linda', 'Elizabeth', 'Barbara', 'Susan', 'Jessica', 'Sarah', 'Karen', 'Lisa', 'Nancy', 'Betty', 'Margaret', 'Sandra'];
const EMAIL_DOMAINS = [
  { value: 'gmail.com', weight: 40 },
  { value: 'yahoo.com', weight: 14 },
  { value: 'hotmail.com', weight: 8 },
  { value: 'outlook.com', weight: 7 },
  { value: 'icloud.com', weight: 6 },
  { value: 'aol.com', weight: 3 },
  { value: '', weight: 22 },
];
const SUFFIX_ABBREVIATIONS: Record<string, string> = {
  Street: 'St',
  Avenue: 'Ave',
  Road: 'Rd',
  Drive: 'Dr',
  Lane: 'Ln',
  Court: 'Ct',
  Boulevard: 'Blvd',
  Place: 'Pl',
  Terrace: 'Ter',
  Circle: 'Cir',
  Parkway: 'Pkwy',
  Highway: 'Hwy',
  Square: 'Sq',
  Trail: 'Trl',
  North: 'N',
  South: 'S',
  East: 'E',
  West: 'W',
  Apartment: 'Apt',
  Suite: 'Ste',
};
const KEYBOARD_NEIGHBOURS: Record<string, string> = {
  a: 'qwsz',
  b: 'vghn',
  c: 'xdfv',
  d: 'serfcx',
  e: 'wsdr',
  f: 'drtgvc',
  g: 'ftyhbv',
  h: 'gyujnb',
  i: 'ujko',
  j: 'huikmn',
  k: 'jiolm',
  l: 'kop',
  m: 'njk',
  n: 'bhjm',
  o: 'iklp',
  p: 'ol',
  q: 'wa',
  r: 'edft',
  s: 'awedxz',
  t: 'rfgy',
  u: 'yhji',
  v: 'cfgb',
  w: 'qase',
  x: 'zsdc',
  y: 'tghu',
  z: 'asx',
};

interface Person {
  id: string;
  sex: 'male' | 'female';
  country: Country;
  identity: Identity;
}

class Generator {
  readonly f: Faker;
  readonly locales: Record<Country, Faker>;
  readonly refDate: Date;
  readonly now: string;
  private nextPerson = 0;
  private nextRecord = 0;
  readonly officeIps: string[] = [];

  constructor(readonly options: Required<GenerateOptions>) {
    const make = (locale: typeof en_US, offset: number) => {
      const faker = new Faker({ locale: [locale, en, base] });
      faker.seed(options.seed * 7919 + offset);
      return faker;
    };
    this.f = make(en_US, 0);
    this.locales = { US: this.f, CA: make(en_CA, 1), GB: make(en_GB, 2), DE: make(de, 3), FR: make(fr, 4), MX: make(es_MX, 5) };
    this.refDate = new Date(options.refDate);
    this.now = this.refDate.toISOString();
    for (let i = 0; i < Math.max(5, Math.round(options.people / 200)); i++) this.officeIps.push(this.f.internet.ipv4());
  }

  chance(p: number): boolean {
    return this.f.number.float({ min: 0, max: 1 }) < p;
  }

  pick<T>(items: readonly T[]): T {
    return this.f.helpers.arrayElement(items);
  }

  weighted<T>(items: { value: T; weight: number }[]): T {
    return this.f.helpers.weightedArrayElement(items);
  }

  personId(): string {
    return `p${String(this.nextPerson++).padStart(6, '0')}`;
  }

  record(person: { id: string }, kind: RecordKind, identity: Identity, corruptions: string[] = [], anchor: string | null = null, prefix = 'r'): LabelledRecord {
    return { id: `${prefix}${String(this.nextRecord++).padStart(6, '0')}`, personId: person.id, kind, corruptions, anchorPersonId: anchor, identity };
  }

  // ---- Fields ----

  givenName(country: Country, sex: 'male' | 'female'): string {
    if (country === 'US' && this.chance(0.3)) return this.pick(sex === 'male' ? COMMON_GIVEN_MALE : COMMON_GIVEN_FEMALE);
    return this.locales[country].person.firstName(sex);
  }

  familyName(country: Country): string {
    if (country === 'US' && this.chance(0.3)) return this.pick(COMMON_FAMILY);
    return this.locales[country].person.lastName();
  }

  dateOfBirth(minAge = 18, maxAge = 85): string {
    return this.f.date.birthdate({ mode: 'age', min: minAge, max: maxAge, refDate: this.refDate }).toISOString().slice(0, 10);
  }

  address(country: Country): NonNullable<Identity['address']> {
    const l = this.locales[country];
    const street = l.location.streetAddress().slice(0, 80);
    const street2 = this.chance(country === 'US' ? 0.25 : 0.1) ? l.location.secondaryAddress().slice(0, 50) : null;
    const postal = country === 'US' ? l.location.zipCode('#####') : l.location.zipCode();
    return {
      street,
      street2,
      city: l.location.city().slice(0, 100),
      region: country === 'US' ? l.location.state({ abbreviated: true }) : null,
      postal_code: this.chance(0.03) ? null : postal,
      country,
    };
  }

  emailLocal(given: string, family: string): string {
    const ascii = (s: string) =>
      s
        .normalize('NFKD')
        .replace(/\p{M}/gu, '')
        .toLowerCase()
        .replace(/[^a-z0-9]/g, '');
    const [g, fam] = [ascii(given) || 'user', ascii(family) || 'mail'];
    const n = String(this.f.number.int({ min: 1, max: 9999 }));
    return this.weighted([
      { value: `${g}.${fam}`, weight: 3 },
      { value: `${g}${fam}`, weight: 2 },
      { value: `${g[0]}${fam}`, weight: 2 },
      { value: `${g}.${fam}${n}`, weight: 2 },
      { value: `${g}${n}`, weight: 1 },
      { value: `${fam}.${g}`, weight: 1 },
      { value: `${this.f.word.adjective()}${g}${n}`.replace(/[^a-z0-9]/g, ''), weight: 1 },
    ]);
  }

  /** Mailboxes, phone numbers, SSNs and accounts in use: one person's each, as in life. */
  readonly taken = new Set<string>();

  unique(kind: string, make: () => string): string {
    for (;;) {
      const value = make();
      const key = `${kind}:${kind === 'email' ? (normaliseEmail(value)?.mailbox ?? value) : value}`;
      if (!this.taken.has(key)) {
        this.taken.add(key);
        return value;
      }
    }
  }

  email(given: string, family: string): string {
    const domain = this.weighted(EMAIL_DOMAINS) || this.f.internet.domainName();
    let attempt = 0;
    return this.unique('email', () => {
      const local = this.emailLocal(given, family);
      return `${attempt++ < 2 ? local : `${local}${this.f.number.int({ min: 1, max: 999 })}`}@${domain}`;
    });
  }

  phone(country: Country): string {
    return this.unique('phone', () => this.anyPhone(country));
  }

  anyPhone(country: Country): string {
    const r = (pattern: string) => this.f.helpers.fromRegExp(pattern);
    switch (country) {
      case 'US':
      case 'CA':
        return `+1${r('[2-9][0-9]{2}[2-9][0-9]{6}')}`;
      case 'GB':
        return `+447${r('[1-9][0-9]{8}')}`;
      case 'DE':
        return `+4915${r('[1-9][0-9]{8}')}`;
      case 'FR':
        return `+336${r('[0-9]{8}')}`;
      case 'MX':
        return `+52${r('[2-9][0-9]{9}')}`;
    }
  }

  ssn(): string {
    return this.unique('ssn', () => this.anySsn());
  }

  anySsn(): string {
    const area = this.f.number.int({ min: 1, max: 899 });
    const fixed = area === 666 ? 667 : area;
    return `${String(fixed).padStart(3, '0')}${String(this.f.number.int({ min: 1, max: 99 })).padStart(2, '0')}${String(this.f.number.int({ min: 1, max: 9999 })).padStart(4, '0')}`;
  }

  idNumber(country: Country): Identity['id_number'] {
    switch (country) {
      case 'US': {
        const ssn = this.ssn();
        return this.weighted([
          { value: { type: 'us_ssn' as const, value: ssn }, weight: 45 },
          { value: { type: 'us_ssn_last_4' as const, value: ssn.slice(-4) }, weight: 20 },
          { value: null, weight: 35 },
        ]);
      }
      case 'CA':
        return this.chance(0.5) ? { type: 'ca_sin', value: this.f.string.numeric(9) } : null;
      case 'MX':
        return this.chance(0.6) ? { type: 'mx_curp', value: this.f.string.alphanumeric({ length: 18, casing: 'upper' }) } : null;
      default:
        return null;
    }
  }

  ip(): string {
    if (this.chance(0.05)) return this.pick(this.officeIps);
    return this.chance(0.15) ? this.f.internet.ipv6() : this.f.internet.ipv4();
  }

  routingNumber(): string {
    const d = Array.from({ length: 8 }, () => this.f.number.int({ min: 0, max: 9 }));
    d[0] = this.pick([0, 1, 2, 3]);
    const sum = 3 * (d[0]! + d[3]! + d[6]!) + 7 * (d[1]! + d[4]! + d[7]!) + (d[2]! + d[5]!);
    return [...d, (10 - (sum % 10)) % 10].join('');
  }

  account(): Identity['depository_accounts'][number] {
    const routing = this.routingNumber();
    const account = this.unique(`account:${routing}`, () => this.f.string.numeric({ length: this.f.number.int({ min: 8, max: 12 }), allowLeadingZeros: false }));
    return { routing_number: routing, account_number: account, added_at: this.now };
  }

  // ---- People ----

  person(overrides: { country?: Country; sex?: 'male' | 'female'; given?: string; family?: string } = {}): Person {
    const country = overrides.country ?? this.weighted(COUNTRIES);
    const sex = overrides.sex ?? this.pick(['male', 'female'] as const);
    const given = overrides.given ?? this.givenName(country, sex);
    const family = overrides.family ?? this.familyName(country);
    const accounts: Identity['depository_accounts'] = [];
    if (country === 'US' && this.chance(0.6)) {
      accounts.push(this.account());
      if (this.chance(0.15)) accounts.push(this.account());
    }
    return {
      id: this.personId(),
      sex,
      country,
      identity: {
        // The API requires a birth date or an account: only people with an account may lack one.
        date_of_birth: accounts.length === 0 || this.chance(0.92) ? this.dateOfBirth() : null,
        name: { given_name: given, family_name: family },
        address: this.chance(0.9) ? this.address(country) : null,
        email_address: this.chance(0.9) ? this.email(given, family) : null,
        phone_number: this.chance(0.85) ? this.phone(country) : null,
        id_number: this.idNumber(country),
        ip_address: this.chance(0.7) ? this.ip() : null,
        depository_accounts: accounts,
      },
    };
  }

  // ---- Corruption ----

  typo(word: string): string {
    const letters = [...word].map((c, i) => (/\p{L}/u.test(c) ? i : -1)).filter((i) => i > 0);
    if (letters.length < 2) return word;
    const i = this.pick(letters);
    const chars = [...word];
    const c = chars[i]!;
    const lower = c.toLowerCase();
    switch (this.pick(['substitute', 'delete', 'insert', 'transpose'] as const)) {
      case 'substitute': {
        const n = this.pick([...(KEYBOARD_NEIGHBOURS[lower] ?? 'e')]);
        chars[i] = c === lower ? n : n.toUpperCase();
        break;
      }
      case 'delete':
        chars.splice(i, 1);
        break;
      case 'insert':
        chars.splice(i, 0, lower);
        break;
      case 'transpose': {
        const j = i + 1 < chars.length ? i + 1 : i - 1;
        [chars[i], chars[j]] = [chars[j]!, chars[i]!];
        break;
      }
    }
    return chars.join('');
  }

  /** A valid past date from `dob` with one part keyed wrongly (one digit or two swapped). */
  dateTypo(dob: string): string {
    for (let attempt = 0; attempt < 20; attempt++) {
      const digits = [...dob.replace(/-/g, '')];
      const part = this.weighted([
        { value: 'day', weight: 5 },
        { value: 'month', weight: 3 },
        { value: 'year', weight: 2 },
      ]);
      const [from, to] = part === 'year' ? [2, 4] : part === 'month' ? [4, 6] : [6, 8];
      const i = this.f.number.int({ min: from, max: to - 1 });
      if (this.chance(0.3) && i + 1 < to) [digits[i], digits[i + 1]] = [digits[i + 1]!, digits[i]!];
      else digits[i] = String(this.f.number.int({ min: 0, max: 9 }));
      const s = `${digits.slice(0, 4).join('')}-${digits.slice(4, 6).join('')}-${digits.slice(6).join('')}`;
      const d = new Date(`${s}T00:00:00Z`);
      if (s !== dob && !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === s && d < this.refDate) return s;
    }
    return dob;
  }

  abbreviate(street: string): string {
    let out = street.replace(/\b[A-Z][a-z]+\b/g, (w) => {
      const abbr = SUFFIX_ABBREVIATIONS[w];
      return abbr && this.chance(0.8) ? abbr + (this.chance(0.5) ? '.' : '') : w;
    });
    if (out === street) {
      const expanded = Object.entries(SUFFIX_ABBREVIATIONS).find(([, a]) => new RegExp(`\\b${a}\\b`).test(street));
      if (expanded) out = street.replace(new RegExp(`\\b${expanded[1]}\\b\\.?`), expanded[0]);
    }
    return this.chance(0.2) ? out.toUpperCase() : out;
  }

  /** A re-entry of `person`: the same human, entered again with realistic differences. */
  reentry(person: Person): LabelledRecord {
    const id: Identity = structuredClone(person.identity);
    const applied: string[] = [];
    const count = this.weighted([
      { value: 1, weight: 45 },
      { value: 2, weight: 35 },
      { value: 3, weight: 20 },
    ]);
    const corruptions = this.corruptions(person, id);
    for (const name of this.f.helpers.shuffle([...corruptions.keys()])) {
      if (applied.length >= count) break;
      if (applied.some((a) => a.split('_')[0] === name.split('_')[0])) continue; // one per field
      if (corruptions.get(name)!()) applied.push(name);
    }
    // Where they signed up from: rarely the same address, sometimes the same network.
    if (id.ip_address !== null || this.chance(0.7)) {
      id.ip_address = this.weighted([
        { value: person.identity.ip_address, weight: 25 },
        { value: this.sameNetwork(person.identity.ip_address), weight: 10 },
        { value: this.ip(), weight: 50 },
        { value: null, weight: 15 },
      ]);
    }
    return this.record(person, 'reentry', id, applied);
  }

  /** One digit of a digit string changed (at a position from `from`), still a digit string. */
  digitSlip(value: string, from = 0): string {
    const positions = [...value].map((c, i) => (i >= from && /\d/.test(c) ? i : -1)).filter((i) => i >= 0);
    if (positions.length === 0) return value;
    const i = this.pick(positions);
    const chars = [...value];
    chars[i] = String((Number(chars[i]) + this.f.number.int({ min: 1, max: 9 })) % 10);
    return chars.join('');
  }

  /** `person` disguised: one slip in every identifier (see RecordKind 'disguised'). */
  disguise(person: Person): LabelledRecord {
    const id: Identity = structuredClone(person.identity);
    if (id.date_of_birth) id.date_of_birth = this.dateTypo(id.date_of_birth);
    if (id.phone_number) id.phone_number = this.digitSlip(id.phone_number, id.phone_number.length - 4);
    if (id.email_address) {
      const at = id.email_address.lastIndexOf('@');
      const local = id.email_address.slice(0, at);
      const i = this.f.number.int({ min: 1, max: Math.max(1, local.length - 1) });
      const c = local[i] ?? 'a';
      const replacement = /\d/.test(c) ? String((Number(c) + 1) % 10) : this.pick([...(KEYBOARD_NEIGHBOURS[c] ?? 'x')]);
      id.email_address = local.slice(0, i) + replacement + local.slice(i + 1) + id.email_address.slice(at);
    }
    if (id.id_number && /\d/.test(id.id_number.value)) id.id_number = { ...id.id_number, value: this.digitSlip(id.id_number.value) };
    id.depository_accounts = id.depository_accounts.map((a) => ({ ...a, account_number: this.digitSlip(a.account_number, 1) }));
    return this.record(person, 'disguised', id, ['disguised'], null, 'd');
  }

  sameNetwork(ip: string | null): string | null {
    if (!ip || ip.includes(':')) return ip;
    return `${ip.split('.').slice(0, 3).join('.')}.${this.f.number.int({ min: 1, max: 254 })}`;
  }

  corruptions(person: Person, id: Identity): Map<string, () => boolean> {
    const c = new Map<string, () => boolean>();
    const name = id.name;
    c.set('name_typo', () => {
      if (this.chance(0.5)) name.family_name = this.typo(name.family_name);
      else name.given_name = this.typo(name.given_name);
      return true;
    });
    c.set('name_married', () => {
      if (person.sex !== 'female') return false;
      const spouse = this.familyName(person.country);
      name.family_name = this.chance(0.6) ? `${name.family_name}-${spouse}` : this.chance(0.5) ? `${name.family_name} ${spouse}` : spouse;
      return true;
    });
    c.set('name_swapped', () => {
      [name.given_name, name.family_name] = [name.family_name, name.given_name];
      return true;
    });
    c.set('name_nickname', () => {
      const options = nicknamesOf(name.given_name.toLowerCase());
      if (options.length === 0) return false;
      const nick = this.pick(options);
      name.given_name = nick[0]!.toUpperCase() + nick.slice(1);
      return true;
    });
    c.set('name_format', () => {
      const v = this.pick(['upper', 'lower', 'middle', 'accents'] as const);
      if (v === 'upper') {
        name.given_name = name.given_name.toUpperCase();
        name.family_name = name.family_name.toUpperCase();
      }
      if (v === 'lower') {
        name.given_name = name.given_name.toLowerCase();
        name.family_name = name.family_name.toLowerCase();
      }
      if (v === 'middle') name.given_name = `${name.given_name} ${this.locales[person.country].person.middleName(person.sex)}`;
      if (v === 'accents') {
        name.given_name = name.given_name.normalize('NFKD').replace(/\p{M}/gu, '');
        name.family_name = name.family_name.normalize('NFKD').replace(/\p{M}/gu, '');
      }
      return true;
    });
    if (id.date_of_birth) {
      const dob = id.date_of_birth;
      c.set('dob_swapped', () => {
        const [y, m, d] = dob.split('-');
        if (Number(d) > 12 || m === d) return false;
        id.date_of_birth = `${y}-${d}-${m}`;
        return true;
      });
      c.set('dob_typo', () => {
        id.date_of_birth = this.dateTypo(dob);
        return id.date_of_birth !== dob;
      });
      c.set('dob_missing', () => {
        if (id.depository_accounts.length === 0) return false; // the API requires one of the two
        id.date_of_birth = null;
        return true;
      });
    }
    if (id.address) {
      const address = id.address;
      c.set('address_abbreviated', () => {
        address.street = this.abbreviate(address.street);
        return true;
      });
      c.set('address_unit', () => {
        address.street2 = this.chance(0.8) || !address.street2 ? this.locales[person.country].location.secondaryAddress().slice(0, 50) : null;
        return true;
      });
      c.set('address_moved', () => {
        id.address = this.address(person.country);
        return true;
      });
      c.set('address_missing', () => {
        id.address = null;
        return true;
      });
    }
    if (id.email_address) {
      const email = id.email_address;
      c.set('email_case', () => {
        const [local, domain] = email.split('@') as [string, string];
        const cased = local.replace(/(^|[.])([a-z])/g, (_, sep: string, ch: string) => sep + ch.toUpperCase());
        id.email_address = `${cased}@${this.chance(0.5) ? domain.toUpperCase() : domain}`;
        return id.email_address !== email;
      });
      c.set('email_alias', () => {
        const [local, domain] = email.split('@') as [string, string];
        if (domain !== 'gmail.com') return false;
        id.email_address = this.chance(0.5)
          ? `${local.replace(/\./g, '')}+${this.f.word.noun().replace(/[^a-z]/g, '')}@${domain}`
          : `${local.replace(/\./g, '').replace(/^(.{3})/, '$1.')}@${domain}`;
        return id.email_address !== email;
      });
      c.set('email_new', () => {
        id.email_address = this.email(name.given_name, name.family_name);
        return true;
      });
      c.set('email_missing', () => {
        id.email_address = null;
        return true;
      });
    }
    if (id.phone_number) {
      c.set('phone_new', () => {
        id.phone_number = this.phone(person.country);
        return true;
      });
      c.set('phone_missing', () => {
        id.phone_number = null;
        return true;
      });
    }
    if (id.id_number) {
      const idn = id.id_number;
      c.set('id_missing', () => {
        id.id_number = null;
        return true;
      });
      c.set('id_last4', () => {
        if (idn.type !== 'us_ssn') return false;
        id.id_number = { type: 'us_ssn_last_4', value: idn.value.slice(-4) };
        return true;
      });
      c.set('id_typo', () => {
        if (!/^\d+$/.test(idn.value)) return false;
        const digits = [...idn.value];
        const i = this.f.number.int({ min: 0, max: digits.length - 1 });
        digits[i] = String((Number(digits[i]) + this.f.number.int({ min: 1, max: 9 })) % 10);
        id.id_number = { type: idn.type, value: digits.join('') };
        return true;
      });
    }
    if (id.depository_accounts.length > 0) {
      c.set('accounts_new', () => {
        id.depository_accounts = [this.account()];
        return true;
      });
      c.set('accounts_missing', () => {
        if (id.date_of_birth === null) return false; // the API requires one of the two
        id.depository_accounts = [];
        return true;
      });
    }
    return c;
  }

  // ---- Hard negatives ----

  /** Another given name (not a nickname of the first): what a relative is called. */
  otherGiven(country: Country, sex: 'male' | 'female', not: string): string {
    for (;;) {
      const given = this.givenName(country, sex);
      if (given !== not && !nicknamesOf(not.toLowerCase()).includes(given.toLowerCase())) return given;
    }
  }

  shiftYears(dob: string | null, min: number, max: number): string {
    const base = dob ? Number(dob.slice(0, 4)) : 1970;
    const year = Math.min(this.refDate.getUTCFullYear() - 18, base + this.pick([-1, 1]) * this.f.number.int({ min, max }));
    const d = this.dateOfBirth();
    const candidate = `${year}-${d.slice(5)}`;
    return Number.isNaN(new Date(`${candidate}T00:00:00Z`).getTime()) || candidate.endsWith('02-29') ? `${year}-03-01` : candidate;
  }

  hardNegative(kind: RecordKind, anchor: Person): LabelledRecord[] {
    const a = anchor.identity;
    switch (kind) {
      case 'relative': {
        const sex = this.pick(['male', 'female'] as const);
        const p = this.person({ country: anchor.country, sex, given: this.otherGiven(anchor.country, sex, a.name.given_name), family: a.name.family_name });
        p.identity.address = a.address && structuredClone(a.address);
        p.identity.date_of_birth = this.shiftYears(a.date_of_birth, 1, 35);
        if (this.chance(0.6)) p.identity.ip_address = a.ip_address;
        if (this.chance(0.15)) p.identity.phone_number = a.phone_number; // a shared home line
        if (this.chance(0.2)) p.identity.depository_accounts = structuredClone(a.depository_accounts); // a joint account
        return [this.record(p, kind, p.identity, [], anchor.id)];
      }
      case 'twin': {
        const sex = this.pick(['male', 'female'] as const);
        const p = this.person({ country: anchor.country, sex, given: this.otherGiven(anchor.country, sex, a.name.given_name), family: a.name.family_name });
        p.identity.address = a.address && structuredClone(a.address);
        // An anchor known only by its accounts has no birth date to share: the twin keeps its own.
        p.identity.date_of_birth = a.date_of_birth ?? p.identity.date_of_birth;
        if (this.chance(0.6)) p.identity.ip_address = a.ip_address;
        if (this.chance(0.15)) p.identity.phone_number = a.phone_number; // a shared home line
        return [this.record(p, kind, p.identity, [], anchor.id)];
      }
      case 'namesake_relative': {
        const p = this.person({ country: anchor.country, sex: anchor.sex, given: a.name.given_name, family: a.name.family_name });
        p.identity.address = a.address && structuredClone(a.address);
        p.identity.date_of_birth = this.shiftYears(a.date_of_birth, 20, 40);
        if (this.chance(0.6)) p.identity.ip_address = a.ip_address;
        return [this.record(p, kind, p.identity, [], anchor.id)];
      }
      case 'namesake': {
        const p = this.person({ country: anchor.country, sex: anchor.sex, given: a.name.given_name, family: a.name.family_name });
        p.identity.date_of_birth = this.dateOfBirth();
        return [this.record(p, kind, p.identity, [], anchor.id)];
      }
      case 'coworker': {
        const p = this.person({ country: anchor.country });
        const office = a.ip_address ?? this.pick(this.officeIps);
        a.ip_address ??= office;
        p.identity.ip_address = this.chance(0.7) ? office : this.sameNetwork(office);
        return [this.record(p, kind, p.identity, [], anchor.id)];
      }
      case 'common_name': {
        const sex = this.pick(['male', 'female'] as const);
        const given = this.pick(sex === 'male' ? COMMON_GIVEN_MALE.slice(0, 5) : COMMON_GIVEN_FEMALE.slice(0, 5));
        const family = this.pick(COMMON_FAMILY.slice(0, 8));
        const p = this.person({ country: 'US', sex, given, family });
        return [this.record(p, kind, p.identity, [], anchor.id)];
      }
      default:
        return [];
    }
  }
}

/** Labelled records in insertion order (shuffled, so a re-entry may come before its original). */
export function generateDataset(options: GenerateOptions): Dataset {
  const full: Required<GenerateOptions> = {
    reentryRate: 0.3,
    hardNegativeRate: 0.2,
    disguiseRate: 0.02,
    refDate: '2025-01-01T00:00:00.000Z',
    ...options,
  };
  const g = new Generator(full);
  const people: Person[] = [];
  const records: LabelledRecord[] = [];
  for (let i = 0; i < full.people; i++) {
    const p = g.person();
    people.push(p);
  }
  const negatives = Math.round(full.people * full.hardNegativeRate);
  const kinds = [
    { value: 'relative' as const, weight: 25 },
    { value: 'twin' as const, weight: 5 },
    { value: 'namesake_relative' as const, weight: 10 },
    { value: 'namesake' as const, weight: 20 },
    { value: 'coworker' as const, weight: 20 },
    { value: 'common_name' as const, weight: 20 },
  ];
  for (let i = 0; i < negatives; i++) records.push(...g.hardNegative(g.weighted(kinds), g.pick(people)));
  // Originals are recorded after hard negatives are built: a coworker may give its anchor an office IP.
  for (const p of people) records.push(g.record(p, 'original', p.identity));
  for (const p of people) {
    if (!g.chance(full.reentryRate)) continue;
    records.push(g.reentry(p));
    if (g.chance(0.2)) records.push(g.reentry(p));
  }
  const shuffled = g.f.helpers.shuffle(records);
  // Disguised comebacks, from their own stream, each at a random place in the order.
  const d = new Generator({ ...full, seed: full.seed + 1_000_003 });
  for (const p of people) {
    if (!d.chance(full.disguiseRate)) continue;
    shuffled.splice(d.f.number.int({ min: 0, max: shuffled.length }), 0, d.disguise(p));
  }
  return { records: shuffled, options: full };
}
