import { Validator } from '@cfworker/json-schema';
import { env } from 'cloudflare:test';
import { expect } from 'vitest';

const validators = new Map<string, Validator>();

/** Asserts that `value` satisfies the named schema of Plaid's spec: every required
 * field present, with the right type, enum value and nullability. */
export function expectSpecShape(schemaName: string, value: unknown): void {
  let validator = validators.get(schemaName);
  if (!validator) {
    validator = new Validator({ $defs: env.PLAID_SCHEMAS, $ref: `#/$defs/${schemaName}` }, '2020-12', false);
    validators.set(schemaName, validator);
  }
  const { valid, errors } = validator.validate(value);
  expect(valid, `${schemaName}: ${errors.map((e) => `${e.instanceLocation} ${e.error}`).join('; ')}`).toBe(true);
}
