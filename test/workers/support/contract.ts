/** Compares a request schema of ours (zod, as JSON Schema) with Plaid's: the properties each
 * allows, which are required, and each property's type, enum and format, field by field. */

import type { RequestDeparture, RequestDepartureKind } from '../../../src/schemas/plaid';

type Schema = Record<string, any>;

export interface Difference {
  /** The field, e.g. `user.address.region` (`[]` for an array's items, `(body)` for the whole). */
  field: string;
  kind: RequestDepartureKind;
  detail: string;
}

/** Credentials are in Plaid's request schemas, but they are the plane's to check
 * (http/auth.ts takes them out of the body before validation). */
const CREDENTIALS = new Set(['client_id', 'secret']);

/** The schema itself, without `$ref`s (resolved in `defs`) and without "or null": whether a
 * field may be null is not compared (ours may accept null for "not provided"). */
function resolve(schema: Schema, defs: Record<string, Schema>): Schema {
  let current = schema;
  for (;;) {
    if (typeof current.$ref === 'string') {
      current = { ...defs[current.$ref.replace('#/$defs/', '')], ...withoutKey(current, '$ref') };
      continue;
    }
    const branches = (current.anyOf ?? current.oneOf) as Schema[] | undefined;
    const nonNull = branches?.filter((branch) => branch.type !== 'null');
    if (branches && nonNull?.length === 1 && branches.length === 2) {
      current = { ...withoutKey(withoutKey(current, 'anyOf'), 'oneOf'), ...nonNull[0] };
      continue;
    }
    if (Array.isArray(current.type)) {
      const types = current.type.filter((t: string) => t !== 'null');
      current = { ...current, type: types.length === 1 ? types[0] : types };
    }
    return current;
  }
}

const withoutKey = (schema: Schema, key: string) => Object.fromEntries(Object.entries(schema).filter(([k]) => k !== key));

const describe = (value: unknown) => (value === undefined ? 'none' : JSON.stringify(value));
const sorted = (values: unknown[] | undefined) => (values ? [...values].map(String).sort() : undefined);
/** `const: x` allows what `enum: [x]` allows. */
const allowed = (schema: Schema) => sorted(schema.enum ?? ('const' in schema ? [schema.const] : undefined));

/** Every difference between `ours` and `plaid`, fields in Plaid's order. */
export function compareSchemas(ours: Schema, plaid: Schema, defs: Record<string, Schema>, field = '(body)'): Difference[] {
  const a = resolve(ours, defs);
  const b = resolve(plaid, defs);
  const differences: Difference[] = [];
  const add = (kind: RequestDepartureKind, detail: string, at = field) => differences.push({ field: at, kind, detail });

  if (describe(a.type) !== describe(b.type)) {
    add('type', `ours ${describe(a.type)}, Plaid's ${describe(b.type)}`);
    return differences;
  }
  if (describe(allowed(a)) !== describe(allowed(b))) add('enum', `ours ${describe(allowed(a))}, Plaid's ${describe(allowed(b))}`);
  if (a.format !== b.format) add('format', `ours ${describe(a.format)}, Plaid's ${describe(b.format)}`);

  if (b.type === 'object') {
    const child = (key: string) => (field === '(body)' ? key : `${field}.${key}`);
    const ourProperties: Schema = a.properties ?? {};
    const plaidProperties: Schema = b.properties ?? {};
    const required = (schema: Schema, key: string) => (schema.required ?? []).includes(key);
    for (const key of Object.keys(plaidProperties)) {
      if (field === '(body)' && CREDENTIALS.has(key)) continue;
      if (!(key in ourProperties)) {
        add('missing', 'Plaid’s schema has it; ours refuses it', child(key));
        continue;
      }
      if (required(a, key) && !required(b, key)) add('required', 'ours requires it; Plaid’s does not', child(key));
      if (!required(a, key) && required(b, key)) add('optional', 'Plaid’s requires it; ours does not', child(key));
      differences.push(...compareSchemas(ourProperties[key], plaidProperties[key], defs, child(key)));
    }
    for (const key of Object.keys(ourProperties)) {
      if (!(key in plaidProperties)) add('extra', 'ours accepts it; Plaid’s schema does not have it', child(key));
    }
  }
  if (b.type === 'array' && a.items && b.items) differences.push(...compareSchemas(a.items, b.items, defs, `${field}[]`));
  return differences;
}

export interface EndpointDifference extends Difference {
  path: string;
}

/** Differences that no departure documents, and departures that no difference shows (an
 * entry that no longer applies must go, so the list says only what is true). */
export function reconcile(differences: readonly EndpointDifference[], departures: readonly RequestDeparture[]) {
  const documents = (d: EndpointDifference, departure: RequestDeparture) => departure.paths.includes(d.path) && departure.field === d.field && departure.kind === d.kind;
  return {
    undocumented: differences.filter((d) => !departures.some((departure) => documents(d, departure))),
    stale: departures.flatMap((departure) =>
      departure.paths
        .filter((path) => !differences.some((d) => d.path === path && documents(d, departure)))
        .map((path) => ({ path, field: departure.field, kind: departure.kind })),
    ),
  };
}
