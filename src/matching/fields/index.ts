/** The registry of matching fields: each field module's definition, in the order of the
 * spec's analysis object. The normalised identity, the analysis and the blocking keys are
 * derived from it, so a new field is one module and one line here (docs/matching.md,
 * "Adding a field"). */
import type { MatchCode } from '../codes';
import { addressField } from './address';
import { dateOfBirthField } from './date-of-birth';
import { depositoryAccountsField } from './depository-accounts';
import { emailAddressField } from './email-address';
import type { FieldDefinition } from './field';
import { idNumberField } from './id-number';
import { ipAddressField } from './ip-address';
import { nameField } from './name';
import { phoneNumberField } from './phone-number';

export const FIELDS = {
  name: nameField,
  date_of_birth: dateOfBirthField,
  address: addressField,
  email_address: emailAddressField,
  phone_number: phoneNumberField,
  id_number: idNumberField,
  ip_address: ipAddressField,
  depository_accounts: depositoryAccountsField,
} as const;

type Fields = typeof FIELDS;
export type MatchField = keyof Fields;
export const MATCH_FIELDS = Object.keys(FIELDS) as [MatchField, ...MatchField[]];

/** An identity with every field normalised once, for comparing against many candidates. */
export type NormalisedIdentity = { [F in MatchField]: ReturnType<Fields[F]['normalise']> };

/** The result of comparing identity `a` with identity `b`, field by field. */
export type MatchAnalysis = { [F in MatchField]: ReturnType<Fields[F]['compare']> };

/** The field's code in an analysis (accounts: the best account's). */
export function fieldCode(analysis: MatchAnalysis, field: MatchField): MatchCode {
  const definition = FIELDS[field] as FieldDefinition<unknown, unknown>;
  const result = analysis[field];
  return definition.code ? definition.code(result) : (result as MatchCode);
}

/** Whether a field has a value in a normalised identity (a list: a non-empty one). */
export function hasValue(identity: NormalisedIdentity, field: MatchField): boolean {
  const value: unknown = identity[field];
  return Array.isArray(value) ? value.length > 0 : value !== null;
}
