import { parsePhoneNumberFromString } from 'libphonenumber-js/min';
import { z } from 'zod';
import { ClientUserId, CountryCode, EmailAddress, IdNumber, Name, nonBlank, ObjectId, PastDate } from './fields';

/** Phone numbers of `/user` identities are parsed on a best-effort basis (US by default,
 * as Plaid does) and stored in E.164. */
const LenientPhoneNumber = z.string().transform((value, ctx) => {
  const parsed = parsePhoneNumberFromString(value, 'US');
  if (parsed?.isPossible()) return parsed.number;
  ctx.addIssue({ code: 'custom', message: 'must be a phone number, preferably in E.164 format' });
  return z.NEVER;
});

const optionalText = (max: number) => z.string().max(max).nullish();

export const ClientUserIdentity = z.strictObject({
  name: Name.nullish(),
  date_of_birth: PastDate.nullish(),
  emails: z
    .array(z.strictObject({ data: EmailAddress, primary: z.boolean() }))
    .max(20)
    .nullish(),
  phone_numbers: z
    .array(z.strictObject({ data: LenientPhoneNumber, primary: z.boolean() }))
    .max(20)
    .nullish(),
  addresses: z
    .array(
      z.strictObject({
        street_1: optionalText(100),
        street_2: optionalText(100),
        city: optionalText(100),
        region: optionalText(50),
        country: CountryCode,
        postal_code: optionalText(20),
        primary: z.boolean(),
      }),
    )
    .max(20)
    .nullish(),
  id_numbers: z.array(IdNumber).max(20).nullish(),
});

/** The legacy identity object of integrations that predate Plaid's new user APIs. */
export const ConsumerReportUserIdentity = z.strictObject({
  first_name: nonBlank(100),
  last_name: nonBlank(100),
  phone_numbers: z.array(LenientPhoneNumber).max(20),
  emails: z.array(EmailAddress).max(20),
  ssn_full: z
    .string()
    .regex(/^\d{3}-?\d{2}-?\d{4}$/, 'must be a 9-digit SSN (ddd-dd-dddd)')
    .nullish(),
  ssn_last_4: z
    .string()
    .regex(/^\d{4}$/, 'must be 4 digits')
    .nullish(),
  date_of_birth: PastDate.nullable(),
  /** As Plaid's AddressData: every field required, all but `street` may be null. */
  primary_address: z.strictObject({
    city: z.string().max(100).nullable(),
    region: z.string().max(50).nullable(),
    street: nonBlank(100),
    postal_code: z.string().max(20).nullable(),
    country: CountryCode.nullable(),
  }),
});

export const UserCreateRequest = z.strictObject({
  client_user_id: ClientUserId,
  identity: ClientUserIdentity.nullish(),
  consumer_report_user_identity: ConsumerReportUserIdentity.nullish(),
  end_customer: z.string().max(128).nullish(),
  with_upgraded_user: z.boolean().nullish(),
});

export const UserGetRequest = z.strictObject({ user_id: ObjectId });

export const UserUpdateRequest = z.strictObject({
  user_id: ObjectId.nullish(),
  user_token: z.string().max(128).nullish(),
  identity: ClientUserIdentity.nullish(),
  consumer_report_user_identity: ConsumerReportUserIdentity.nullish(),
});

export const UserRemoveRequest = z.strictObject({
  user_id: ObjectId.nullish(),
  user_token: z.string().max(128).nullish(),
});

export type ClientUserIdentity = z.output<typeof ClientUserIdentity>;
export type ConsumerReportUserIdentity = z.output<typeof ConsumerReportUserIdentity>;
