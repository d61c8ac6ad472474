import { Validator } from '@cfworker/json-schema';
import { env } from 'cloudflare:test';
import { expect } from 'vitest';
import { z } from 'zod';
import { registeredEndpoints } from '../../../src/app';
import { isPlaidResponse } from '../../../src/schemas/plaid';

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

/** Asserts that an answer of `path` is what its registered response contract says: Plaid's
 * schema (and this network's extra fields), or its zod schema — every field it lists, of its
 * type, and no field it does not list. */
export function expectContractShape(path: string, body: Record<string, unknown>): void {
  const endpoint = registeredEndpoints().find((e) => e.path === path);
  if (!endpoint) throw new Error(`no endpoint ${path}`);
  expect(body.request_id).toMatch(/^[A-Za-z0-9]{15}$/);
  const { request_id: _, ...answer } = body;
  const check = (schema: z.ZodType) => {
    const { $schema: __, ...json } = z.toJSONSchema(schema, { io: 'output', unrepresentable: 'any' });
    const { valid, errors } = new Validator(json as Record<string, unknown>, '2020-12', false).validate(answer);
    expect(valid, `${path}: ${errors.map((e) => `${e.instanceLocation} ${e.error}`).join('; ')}`).toBe(true);
  };
  if (!isPlaidResponse(endpoint.response)) {
    check(endpoint.response);
    return;
  }
  expectSpecShape(endpoint.response.plaid, body);
  if (endpoint.response.extra) check(endpoint.response.extra.loose());
}
