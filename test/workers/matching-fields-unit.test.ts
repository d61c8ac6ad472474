import { describe, expect, it } from 'vitest';
import type { MatchCode } from '../../src/matching/codes';
import { compareAccount, normaliseAccount } from '../../src/matching/fields/depository-accounts';
import { compareAddress, normaliseAddress } from '../../src/matching/fields/address';
import { compareDateOfBirth, normaliseDateOfBirth } from '../../src/matching/fields/date-of-birth';
import { compareEmail, normaliseEmail } from '../../src/matching/fields/email-address';
import { compareIdNumber, normaliseIdNumber } from '../../src/matching/fields/id-number';
import { compareIp, normaliseIp } from '../../src/matching/fields/ip-address';
import { compareName, normaliseName } from '../../src/matching/fields/name';
import { comparePhone, normalisePhone } from '../../src/matching/fields/phone-number';
import type { IdNumberType } from '../../src/vocabulary';

/** Runs each named case both ways round: every comparator must be symmetric. */
function cases<T>(compare: (a: T, b: T) => MatchCode, table: [string, T, T, MatchCode][]) {
  for (const [title, a, b, expected] of table) {
    it(title, () => {
      expect(compare(a, b)).toBe(expected);
      expect(compare(b, a)).toBe(expected);
    });
  }
}

describe('name', () => {
  const name = (given_name: string, family_name: string) => ({ given_name, family_name });
  cases(
    (a, b) => compareName(normaliseName(a), normaliseName(b)),
    [
      ['same name → match', name('Leslie', 'Knope'), name('Leslie', 'Knope'), 'match'],
      ['case, accents, whitespace → match', name('  zoë ', 'ÅNGSTRÖM'), name('Zoe', 'Angstrom'), 'match'],
      ['apostrophe and particles run together → match', name('Conan', "O'Brien"), name('Conan', 'OBrien'), 'match'],
      ['title and suffix ignored → match', name('Dr. Ben', 'Wyatt Jr.'), name('Ben', 'Wyatt'), 'match'],
      ['"Knope" vs "Knope-Wyatt" (hyphenated married name) → partial_match', name('Leslie', 'Knope'), name('Leslie', 'Knope-Wyatt'), 'partial_match'],
      ['two family names, one kept → partial_match', name('Ester', 'Rangel Vázquez'), name('Ester', 'Rangel'), 'partial_match'],
      ['typo in the family name → partial_match', name('April', 'Ludgate'), name('April', 'Ludgtae'), 'partial_match'],
      ['typo in the given name → partial_match', name('Andy', 'Dwyer'), name('Andu', 'Dwyer'), 'partial_match'],
      ['spelling variant that sounds alike → partial_match', name('Steven', 'Smith'), name('Stephen', 'Smyth'), 'partial_match'],
      ['given and family swapped → partial_match', name('Ben', 'Wyatt'), name('Wyatt', 'Ben'), 'partial_match'],
      ['swapped, a middle name dropped → partial_match', name('Ben Andrew', 'Wyatt'), name('Wyatt', 'Ben'), 'partial_match'],
      ['swapped with another given name → no_match', name('Ann', 'Wyatt'), name('Wyatt', 'Ben'), 'no_match'],
      ['nickname → partial_match', name('Robert', 'Swanson'), name('Bob', 'Swanson'), 'partial_match'],
      ['short form of the given name → partial_match', name('Christopher', 'Traeger'), name('Chris', 'Traeger'), 'partial_match'],
      ['middle name added → partial_match', name('Leslie', 'Knope'), name('Leslie Barbara', 'Knope'), 'partial_match'],
      ['same family name, other given name (relatives) → no_match', name('Ann', 'Perkins'), name('Andy', 'Perkins'), 'no_match'],
      ['same given name, other family name → no_match', name('Leslie', 'Knope'), name('Leslie', 'Wyatt'), 'no_match'],
      ['names that only sound alike but differ in spelling → no_match', name('Jon', 'Smith'), name('Jan', 'Smith'), 'no_match'],
      ['shared particle only → no_match', name('Maria', 'de la Cruz'), name('Maria', 'de Leon'), 'no_match'],
    ],
  );
  it('no_data when either side has no name', () => {
    expect(compareName(normaliseName({ given_name: 'Leslie', family_name: 'Knope' }), normaliseName(null))).toBe('no_data');
    expect(compareName(normaliseName({ given_name: '', family_name: '' }), normaliseName({ given_name: 'Leslie', family_name: 'Knope' }))).toBe('no_data');
  });
});

describe('date_of_birth', () => {
  cases(
    (a: string | null, b: string | null) => compareDateOfBirth(normaliseDateOfBirth(a), normaliseDateOfBirth(b)),
    [
      ['same date → match', '1975-01-18', '1975-01-18', 'match'],
      ['day and month transposed → partial_match', '1975-01-08', '1975-08-01', 'partial_match'],
      ['one digit wrong in the day → partial_match', '1975-01-18', '1975-01-19', 'partial_match'],
      ['two digits of the day swapped → partial_match', '1975-01-12', '1975-01-21', 'partial_match'],
      ['one digit wrong in the month → partial_match', '1975-01-18', '1975-07-18', 'partial_match'],
      ['last digit of the year wrong → partial_match', '1975-01-18', '1976-01-18', 'partial_match'],
      ['decade wrong, as between parent and child → no_match', '1965-01-18', '1995-01-18', 'no_match'],
      ['year digits swapped far apart → no_match', '1958-01-18', '1985-01-18', 'no_match'],
      ['day and month both wrong → no_match', '1975-01-18', '1975-02-19', 'no_match'],
      ['unrelated dates → no_match', '1975-01-18', '1982-11-03', 'no_match'],
      ['one side missing → no_data', '1975-01-18', null, 'no_data'],
    ],
  );
});

describe('address', () => {
  const at = (street: string, street2: string | null = null, over: Partial<{ city: string; region: string | null; postal_code: string | null; country: string }> = {}) => ({
    street,
    street2,
    city: 'Pawnee',
    region: 'IN',
    postal_code: '47998',
    country: 'US',
    ...over,
  });
  cases(
    (a: ReturnType<typeof at> | null, b: ReturnType<typeof at> | null) => compareAddress(normaliseAddress(a), normaliseAddress(b)),
    [
      ['"123 Main St." vs "123 Main Street" → match', at('123 Main St.'), at('123 Main Street'), 'match'],
      ['directional and type abbreviated, case and punctuation → match', at('12 North Oak Avenue'), at('12 n. OAK AVE'), 'match'],
      ['unit in street2 or in the street line, "#"/"Apt" → match', at('123 Main St', 'Apt. 4B'), at('123 Main Street #4b'), 'match'],
      ['same street, different unit → partial_match', at('123 Main St', 'Apt 4'), at('123 Main St', 'Apt 5'), 'partial_match'],
      ['same street, unit on one side only → partial_match', at('123 Main St', 'Unit 4'), at('123 Main St'), 'partial_match'],
      ['typo in the street name → partial_match', at('123 Sycamore Ave'), at('123 Sycamroe Ave'), 'partial_match'],
      ['street type left out → partial_match', at('123 Main St'), at('123 Main'), 'partial_match'],
      ['mistyped postal code, same city → partial_match', at('123 Main St'), at('123 Main St', null, { postal_code: '47989' }), 'partial_match'],
      ['North and South of the same street → no_match', at('123 N Main St'), at('123 S Main St'), 'no_match'],
      ['directional on one side only → partial_match', at('123 N Main St'), at('123 Main St'), 'partial_match'],
      ['other house number on the same street → no_match', at('123 Main St'), at('125 Main St'), 'no_match'],
      ['same street in another town → no_match', at('123 Main St'), at('123 Main St', null, { city: 'Eagleton', postal_code: '47999' }), 'no_match'],
      ['another country → no_match', at('123 Main St'), at('123 Main St', null, { country: 'CA', region: null, postal_code: null }), 'no_match'],
      ['no postal code on one side, same city → match', at('123 Main St'), at('123 Main St', null, { postal_code: null }), 'match'],
      ['one side missing → no_data', at('123 Main St'), null, 'no_data'],
    ],
  );
});

describe('email_address', () => {
  cases(
    (a: string | null, b: string | null) => compareEmail(normaliseEmail(a), normaliseEmail(b)),
    [
      ['case → match', 'Leslie.Knope@Example.com', 'leslie.knope@example.com', 'match'],
      ['Gmail ignores dots → match', 'leslie.knope@gmail.com', 'leslieknope@gmail.com', 'match'],
      ['Gmail +tag and googlemail.com → match', 'leslieknope+pawnee@googlemail.com', 'leslieknope@gmail.com', 'match'],
      ['dots count elsewhere: not the same mailbox, one character apart → partial_match', 'leslie.knope@example.com', 'leslieknope@example.com', 'partial_match'],
      ['+tag kept where sub-addressing is not known → no_match', 'leslie+x@example.com', 'leslie@example.com', 'no_match'],
      ['same distinctive local part at another provider → partial_match', 'leslieknope@gmail.com', 'leslieknope@yahoo.com', 'partial_match'],
      ['one typo in the local part → partial_match', 'leslieknope@yahoo.com', 'lesliknope@yahoo.com', 'partial_match'],
      ['short local part at another provider → no_match', 'lk@gmail.com', 'lk@yahoo.com', 'no_match'],
      ['one side missing → no_data', 'leslie@example.com', null, 'no_data'],
    ],
  );
});

describe('phone_number', () => {
  cases(
    (a: string | null, b: string | null) => comparePhone(normalisePhone(a), normalisePhone(b)),
    [
      ['same E.164 number → match', '+14155552671', '+14155552671', 'match'],
      ['one digit wrong → partial_match', '+14155552671', '+14155552672', 'partial_match'],
      ['two adjacent digits swapped → partial_match', '+14155552671', '+14155552617', 'partial_match'],
      ['another number → no_match', '+14155552671', '+14155559999', 'no_match'],
      ['one side missing → no_data', '+14155552671', null, 'no_data'],
    ],
  );
});

describe('id_number', () => {
  const id = (type: IdNumberType, value: string) => ({ type, value });
  cases(
    (a: ReturnType<typeof id> | null, b: ReturnType<typeof id> | null) => compareIdNumber(normaliseIdNumber(a), normaliseIdNumber(b)),
    [
      ['same SSN → match', id('us_ssn', '123456789'), id('us_ssn', '123456789'), 'match'],
      ['letters in any case → match', id('mx_curp', 'abcd123456hdfrrn09'), id('mx_curp', 'ABCD123456HDFRRN09'), 'match'],
      ['one digit wrong → partial_match', id('us_ssn', '123456789'), id('us_ssn', '123456780'), 'partial_match'],
      ['two adjacent digits swapped → partial_match', id('us_ssn', '123456789'), id('us_ssn', '123456798'), 'partial_match'],
      ['SSN vs its last four → partial_match', id('us_ssn', '123456789'), id('us_ssn_last_4', '6789'), 'partial_match'],
      ['SSN vs other last four → no_match', id('us_ssn', '123456789'), id('us_ssn_last_4', '6780'), 'no_match'],
      ['same last four → match', id('us_ssn_last_4', '6789'), id('us_ssn_last_4', '6789'), 'match'],
      ['another SSN → no_match', id('us_ssn', '123456789'), id('us_ssn', '987654321'), 'no_match'],
      ['different document types → no_data', id('us_ssn', '123456789'), id('ca_sin', '123456789'), 'no_data'],
      ['one side missing → no_data', id('us_ssn', '123456789'), null, 'no_data'],
    ],
  );
});

describe('ip_address', () => {
  cases(
    (a: string | null, b: string | null) => compareIp(normaliseIp(a), normaliseIp(b)),
    [
      ['same IPv4 → match', '203.0.113.7', '203.0.113.7', 'match'],
      ['same IPv4 /24 → partial_match', '203.0.113.7', '203.0.113.250', 'partial_match'],
      ['another IPv4 /24 → no_match', '203.0.113.7', '203.0.114.7', 'no_match'],
      ['IPv6 written two ways → match', '2001:db8::1', '2001:0DB8:0:0:0:0:0:1', 'match'],
      ['IPv4-mapped IPv6 → match', '::ffff:203.0.113.7', '203.0.113.7', 'match'],
      ['same IPv6 /64 → partial_match', '2001:db8:1:2::1', '2001:db8:1:2:aaaa::9', 'partial_match'],
      ['another IPv6 /64 → no_match', '2001:db8:1:2::1', '2001:db8:1:3::1', 'no_match'],
      ['IPv4 vs IPv6 → no_match', '203.0.113.7', '2001:db8::1', 'no_match'],
      ['one side missing → no_data', '203.0.113.7', null, 'no_data'],
    ],
  );
});

describe('depository account', () => {
  const acct = (routing_number: string, account_number: string) => normaliseAccount({ routing_number, account_number });
  cases(compareAccount, [
    ['same routing and account → match', acct('021000021', '1234567890'), acct('021000021', '1234567890'), 'match'],
    ['leading zeros added → match', acct('021000021', '001234567890'), acct('021000021', '1234567890'), 'match'],
    ['one digit wrong in the account → partial_match', acct('021000021', '1234567890'), acct('021000021', '1234567891'), 'partial_match'],
    ['same long account under another routing number → partial_match', acct('021000021', '1234567890'), acct('011000015', '1234567890'), 'partial_match'],
    ['same short account under another routing number → no_match', acct('021000021', '12345'), acct('011000015', '12345'), 'no_match'],
    ['another account → no_match', acct('021000021', '1234567890'), acct('021000021', '9876543210'), 'no_match'],
  ]);
  it('shows the last four digits as given', () => {
    expect(acct('021000021', '0000123456').mask).toBe('3456');
  });
});
