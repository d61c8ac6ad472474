/** Field rules of docs/product.md §4, each defined once and composed into request schemas. */
import { iso31661, iso31662 } from 'iso-3166';
import { isPossiblePhoneNumber } from 'libphonenumber-js/min';
import { z } from 'zod';
import { today } from '../lib/time';
import { BEACON_USER_STATUSES, ID_NUMBER_TYPES, type IdNumberType } from '../vocabulary';

/** A string with a non-whitespace character, at most `max` characters. */
export const nonBlank = (max: number) =>
  z
    .string()
    .max(max, `must be at most ${max} characters`)
    .refine((s) => /\S/.test(s), 'must contain a non-whitespace character');

/** As `nonBlank`, and with at least one letter (street and city names). */
const withLetter = (max: number) => nonBlank(max).refine((s) => /\p{L}/u.test(s), 'must contain at least one letter');

export const GivenName = nonBlank(100);
export const FamilyName = nonBlank(100);
export const Name = z.strictObject({ given_name: GivenName, family_name: FamilyName });

/** `YYYY-MM-DD`, a real calendar date (leap days included). */
export const ISO8601Date = z.iso.date('must be a real calendar date in the format YYYY-MM-DD');
/** A calendar date that is not in the future (UTC). */
export const PastDate = ISO8601Date.refine((d) => d <= today(), 'must not be in the future');

const countries = new Set(iso31661.filter((c) => c.state === 'assigned').map((c) => c.alpha2));
const subdivisions = new Set(iso31662.map((s) => s.code));

export const CountryCode = z.string().refine((c) => countries.has(c), 'must be a capitalised ISO 3166-1 alpha-2 country code');

export const Street = withLetter(80);
export const Street2 = nonBlank(50);
export const City = withLetter(100);

/** An address; `region` must be an ISO 3166-2 subdivision of `country` (without the
 * country prefix), and a US `postal_code` is 5 digits (elsewhere 2–10 alphanumerics,
 * with single spaces or hyphens allowed between them). */
export const Address = z
  .strictObject({
    street: Street,
    street2: Street2.nullish(),
    city: City,
    region: z.string().nullish(),
    postal_code: z.string().nullish(),
    country: CountryCode,
  })
  .superRefine((address, ctx) => {
    if (address.region != null && !subdivisions.has(`${address.country}-${address.region}`)) {
      ctx.addIssue({
        code: 'custom',
        path: ['region'],
        message: `must be an ISO 3166-2 subdivision code of ${address.country} without the country prefix (e.g. "IN" for US-IN)`,
      });
    }
    const postal = address.postal_code;
    if (postal != null) {
      const valid = address.country === 'US' ? /^\d{5}$/.test(postal) : isForeignPostalCode(postal);
      if (!valid) {
        ctx.addIssue({
          code: 'custom',
          path: ['postal_code'],
          message: address.country === 'US' ? 'must be 5 digits for US addresses' : 'must be 2 to 10 letters or digits',
        });
      }
    }
  });

function isForeignPostalCode(postal: string): boolean {
  const compact = postal.replace(/[ -]/g, '');
  return /^[A-Za-z0-9]+(?:[ -][A-Za-z0-9]+)*$/.test(postal) && compact.length >= 2 && compact.length <= 10;
}

export const EmailAddress = z.email('must be a valid email address').max(254, 'must be at most 254 characters');

/** E.164: `+`, country code, subscriber number; and a length possible for that country. */
export const PhoneNumber = z.string().refine((p) => /^\+[1-9]\d{1,14}$/.test(p) && isPossiblePhoneNumber(p), 'must be a phone number in E.164 format, e.g. +14155552671');

/** Exact digit counts where the document fixes them. */
const ID_NUMBER_DIGITS: Partial<Record<IdNumberType, number>> = { us_ssn: 9, us_ssn_last_4: 4, ca_sin: 9, br_cpf: 11 };

/** The value is stored with formatting characters (spaces, hyphens, dots, slashes) stripped. */
export const IdNumber = z
  .strictObject({
    value: z.string().transform((v) => v.replace(/[\s\-./]/g, '')),
    type: z.enum(ID_NUMBER_TYPES, `must be one of ${ID_NUMBER_TYPES.join(', ')}`),
  })
  .superRefine((id, ctx) => {
    const digits = ID_NUMBER_DIGITS[id.type];
    const rule = digits ? new RegExp(`^\\d{${digits}}$`) : /^[A-Za-z0-9]{1,32}$/;
    if (!rule.test(id.value)) {
      ctx.addIssue({
        code: 'custom',
        path: ['value'],
        message: digits ? `must be ${digits} digits for ${id.type}` : 'must be 1 to 32 letters or digits',
      });
    }
  });

const ipv4 = z.ipv4();
const ipv6 = z.ipv6();
export const IpAddress = z.string().refine((ip) => ipv4.safeParse(ip).success || ipv6.safeParse(ip).success, 'must be an IPv4 or IPv6 address');

/** ABA routing number: 9 digits whose weighted sum (3, 7, 1, ...) is a multiple of 10. */
export function isAbaRoutingNumber(value: string): boolean {
  if (!/^\d{9}$/.test(value)) return false;
  const d = [...value].map(Number) as [number, number, number, number, number, number, number, number, number];
  const sum = 3 * (d[0] + d[3] + d[6]) + 7 * (d[1] + d[4] + d[7]) + (d[2] + d[5] + d[8]);
  return sum % 10 === 0;
}

export const RoutingNumber = z.string().refine(isAbaRoutingNumber, 'must be a 9-digit US routing number with a valid ABA checksum');
export const AccountNumber = z.string().regex(/^\d{4,17}$/, 'must be a US bank account number of 4 to 17 digits');
export const DepositoryAccount = z.strictObject({ account_number: AccountNumber, routing_number: RoutingNumber });

/** `client_user_id`: 1–128 characters, and not an email address or phone number (no PII). */
export const ClientUserId = nonBlank(128)
  .refine((id) => !EmailAddress.safeParse(id.trim()).success, 'must not be an email address')
  .refine((id) => !/^\+?[\d\s().-]{7,}$/.test(id.trim()), 'must not be a phone number');

export const DashboardUserId = nonBlank(128);

/** Object ids are validated only as strings; an id that does not exist is "not found". */
export const ObjectId = z.string().min(1, 'must not be empty').max(64, 'must be at most 64 characters');
export const Cursor = z.string().max(512).nullish();
export const MAX_WEBHOOK_URL_LENGTH = 2048;
/** The rest of the webhook URL rules needs the deployment's configuration: domain/webhooks/url.ts. */
export const WebhookUrl = z.string().max(MAX_WEBHOOK_URL_LENGTH, `must be at most ${MAX_WEBHOOK_URL_LENGTH} characters`);

export const BeaconUserStatus = z.enum(BEACON_USER_STATUSES, `must be one of ${BEACON_USER_STATUSES.join(', ')}`);

// Fields of answers (the dashboard and admin planes' response schemas).

/** ISO 8601 UTC with `Z`, to the second. */
export const Timestamp = z.iso.datetime();
export const NextCursor = z.string().nullable().meta({ description: 'Pass as `cursor` for the next page; null on the last page.' });
