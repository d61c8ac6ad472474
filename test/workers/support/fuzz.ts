// Requests for the fuzz test, derived from the endpoints' request schemas (zod → JSON Schema →
// fast-check arbitraries), so that a new endpoint is fuzzed without new code. Values follow
// the schema, or — by a field's name — the shapes the domain's validation looks for (ids of
// real objects, dates, phones, routing numbers, cursors, URLs), so that requests get past
// the first check as often as they fail it; then mutations break them.
import fc from 'fast-check';
import { z } from 'zod';

type JsonSchema = {
  type?: string | string[];
  enum?: unknown[];
  const?: unknown;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  allOf?: JsonSchema[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  additionalProperties?: boolean | JsonSchema;
  propertyNames?: JsonSchema;
  items?: JsonSchema;
  minItems?: number;
  maxItems?: number;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  format?: string;
  pattern?: string;
};

/** What a fuzzed request may name: objects of the caller, of another client, and unknown. */
export interface FuzzIds {
  own: string[];
  others: string[];
}

export function requestJsonSchema(schema: z.ZodType): JsonSchema {
  return z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as JsonSchema;
}

/** Strings that have broken parsers: odd Unicode, huge and tiny values, look-alikes. */
const oddString = fc.oneof(
  fc.constantFrom(
    '',
    ' ',
    '\u0000',
    '\u200b',
    '\ufeff',
    '\ud800',
    'ﷺ'.repeat(100),
    'é'.normalize('NFD').repeat(60),
    '𝔘𝔫𝔦𝔠𝔬𝔡𝔢',
    '🏳️‍🌈'.repeat(30),
    'a'.repeat(10_000),
    '../../etc/passwd',
    "'; DROP TABLE clients;--",
    '%00',
    // biome-ignore lint/suspicious/noTemplateCurlyInString: a literal that looks like a template
    '${x}',
    '__proto__',
    'constructor',
  ),
  fc.string({ unit: 'grapheme', maxLength: 40 }),
  fc.string({ unit: 'binary', maxLength: 40 }),
);

const oddNumber = fc.oneof(fc.constantFrom(0, -0, -1, 1e308, -1e308, 2 ** 53, 2 ** 53 + 2, 0.1 + 0.2, 1e-300), fc.double({ noNaN: true, noDefaultInfinity: true }), fc.integer());

/** Any JSON value, to put where something else belongs. */
export const wrongValue = fc.oneof(fc.constant(null), fc.boolean(), oddNumber, oddString, fc.jsonValue({ maxDepth: 2 }), fc.array(fc.string(), { maxLength: 3 }));

const isoDate = fc.date({ min: new Date('1900-01-01'), max: new Date('2100-12-31'), noInvalidDate: true }).map((d) => d.toISOString().slice(0, 10));

/** What the ids a field names look like, by the field's name (`program_id`: `becprg_…`). */
const ID_SHAPES: [RegExp, RegExp][] = [
  [/^program_id$/, /^becprg_/],
  [/^beacon_user_id$/, /^becusr_/],
  [/^beacon_report_id$/, /^becrpt_/],
  [/^beacon_report_syndication_id$/, /^becrsn_/],
  [/^beacon_duplicate_id$/, /^becdup_/],
  [/^user_id$/, /^usr_/],
  [/^delivery_id$/, /^evt_/],
  [/^client_id$/, /^[0-9a-f]{24}$/],
  [/^user_token$/, /^user-/],
  [/^cursor$/, /\./],
];

/** An id for field `name`: mostly one of the caller's of the right kind, else another
 * client's, any id at all, or an unknown one. */
function idFor(name: string, ids: FuzzIds): fc.Arbitrary<string> {
  const shape = ID_SHAPES.find(([field]) => field.test(name))?.[1];
  const fitting = (list: string[]) => list.filter((id) => shape?.test(id));
  const choices = [
    { arbitrary: fc.constantFrom(...ids.own, ...ids.others), weight: 1 },
    { arbitrary: fc.constantFrom('becusr_00000000000000', 'becprg_AAAAAAAAAAAAAA', 'evt_unknown0000000', 'x', '', 'a.b', 'MTIz.AAAAAAAAAAAAAAAAAAAAAA'), weight: 1 },
    ...(fitting(ids.own).length ? [{ arbitrary: fc.constantFrom(...fitting(ids.own)), weight: 4 }] : []),
    ...(fitting(ids.others).length ? [{ arbitrary: fc.constantFrom(...fitting(ids.others)), weight: 2 }] : []),
  ];
  return fc.oneof(...choices);
}

/** Values the domain's validation looks for, by field name. */
function byName(name: string, ids: FuzzIds): fc.Arbitrary<unknown> | null {
  if (name === 'cursor' || name === 'user_token' || name.endsWith('_id')) return idFor(name, ids);
  switch (name) {
    case 'date_of_birth':
    case 'fraud_date':
      return fc.oneof(isoDate, fc.constantFrom('1975-02-30', '2999-01-01', '0000-00-00', '1975-1-1'));
    case 'email_address':
    case 'data':
      return fc.oneof(fc.emailAddress(), fc.constantFrom('a@b', 'leslie@example.com'));
    case 'phone_number':
      return fc.oneof(fc.constantFrom('+19876543212', '+4420 7946 0958', '+1', '+999999999999999'), fc.stringMatching(/^\+1[2-9]\d{9}$/));
    case 'country':
      return fc.constantFrom('US', 'GB', 'us', 'XX', 'DE');
    case 'region':
      return fc.constantFrom('IN', 'CA', 'ZZ', 'US-IN');
    case 'postal_code':
      return fc.constantFrom('46001', '4600', 'SW1A 1AA', '1', '12345-6789');
    case 'routing_number':
      return fc.constantFrom('011000015', '011000016', '123456789');
    case 'account_number':
      return fc.stringMatching(/^\d{3,18}$/);
    case 'ip_address':
      return fc.oneof(fc.ipV4(), fc.ipV6(), fc.constantFrom('999.1.1.1', '::ffff:10.0.0.1'));
    case 'url':
    case 'webhook_url':
      return fc.oneof(
        fc.webUrl(),
        fc.constantFrom('https://10.0.0.1/', 'http://localhost:9000/x', 'https://127.1/', 'https://10-0-0-1.sslip.io/', 'javascript:alert(1)', 'https://[::1]/'),
      );
    case 'value':
      return fc.oneof(fc.stringMatching(/^\d{4}$/), fc.stringMatching(/^\d{3}-\d{2}-\d{4}$/), fc.string({ maxLength: 40 }));
    default:
      return null;
  }
}

/** Values that follow `schema` (as far as JSON Schema says; refinements are the server's). */
export function arbitraryOf(schema: JsonSchema, ids: FuzzIds, name = '', depth = 0): fc.Arbitrary<unknown> {
  const named = byName(name, ids);
  const own = structural(schema, ids, name, depth);
  return named ? fc.oneof({ arbitrary: named, weight: 3 }, { arbitrary: own, weight: 1 }) : own;
}

function structural(schema: JsonSchema, ids: FuzzIds, name: string, depth: number): fc.Arbitrary<unknown> {
  if (schema.const !== undefined) return fc.constant(schema.const);
  if (schema.enum) return fc.constantFrom(...schema.enum);
  const branches = schema.anyOf ?? schema.oneOf ?? schema.allOf;
  if (branches) return fc.oneof(...branches.map((b) => arbitraryOf(b, ids, name, depth)));
  const types = Array.isArray(schema.type) ? schema.type : schema.type ? [schema.type] : [];
  if (types.length > 1) return fc.oneof(...types.map((type) => structural({ ...schema, type }, ids, name, depth)));
  switch (types[0]) {
    case 'null':
      return fc.constant(null);
    case 'boolean':
      return fc.boolean();
    case 'integer':
      return fc.integer({ min: Math.max(schema.minimum ?? -1e6, -1e6), max: Math.min(schema.maximum ?? 1e6, 1e6) });
    case 'number':
      return fc.double({ min: schema.minimum ?? -1e6, max: schema.maximum ?? 1e12, noNaN: true });
    case 'string':
      return stringOf(schema);
    case 'array': {
      const items = schema.items ? arbitraryOf(schema.items, ids, name, depth + 1) : fc.jsonValue({ maxDepth: 1 });
      return fc.array(items, { minLength: schema.minItems ?? 0, maxLength: Math.min(schema.maxItems ?? 3, depth > 1 ? 1 : 3) });
    }
    case 'object':
      return objectOf(schema, ids, depth);
    default:
      return fc.jsonValue({ maxDepth: 2 });
  }
}

function stringOf(schema: JsonSchema): fc.Arbitrary<string> {
  if (schema.format === 'email') return fc.emailAddress();
  const lengths = { minLength: schema.minLength ?? 0, maxLength: Math.min(schema.maxLength ?? 40, 40) };
  if (schema.pattern) {
    try {
      return fc.stringMatching(new RegExp(schema.pattern));
    } catch {
      // a pattern fast-check cannot generate from: plain strings
    }
  }
  return fc.string(lengths);
}

function objectOf(schema: JsonSchema, ids: FuzzIds, depth: number): fc.Arbitrary<Record<string, unknown>> {
  if (!schema.properties && typeof schema.additionalProperties === 'object') {
    const keys = schema.propertyNames ? arbitraryOf(schema.propertyNames, ids) : fc.string({ maxLength: 12 });
    return fc.dictionary(keys as fc.Arbitrary<string>, arbitraryOf(schema.additionalProperties, ids, '', depth + 1), { maxKeys: 3 });
  }
  const properties = schema.properties ?? {};
  const model = Object.fromEntries(Object.entries(properties).map(([key, value]) => [key, arbitraryOf(value, ids, key, depth + 1)]));
  return fc.record(model, { requiredKeys: (schema.required ?? []).filter((k) => k in properties) }) as fc.Arbitrary<Record<string, unknown>>;
}

/** One place in a JSON value: the path of keys and indexes to it. */
function paths(value: unknown, prefix: (string | number)[] = []): (string | number)[][] {
  if (value === null || typeof value !== 'object') return [prefix];
  const entries = Array.isArray(value) ? value.map((v, i) => [i, v] as const) : Object.entries(value);
  return [prefix, ...entries.flatMap(([key, v]) => paths(v, [...prefix, key]))];
}

function withAt(value: unknown, path: (string | number)[], change: (old: unknown) => unknown | typeof DROP): unknown {
  if (path.length === 0) return change(value);
  const [head, ...rest] = path;
  const copy: any = Array.isArray(value) ? [...value] : { ...(value as object) };
  const next = withAt(copy[head!], rest, change);
  if (next === DROP) {
    if (Array.isArray(copy)) copy.splice(head as number, 1);
    else delete copy[head!];
  } else copy[head!] = next;
  return copy;
}
const DROP = Symbol('drop');

/** A body that follows the schema, then perhaps broken: a field dropped, replaced by a value
 * of the wrong kind, or made huge; an unknown field added. */
export function bodyOf(schema: JsonSchema, ids: FuzzIds): fc.Arbitrary<unknown> {
  return fc
    .tuple(
      arbitraryOf(schema, ids),
      fc.oneof({ arbitrary: fc.constant('none'), weight: 4 }, { arbitrary: fc.constantFrom('drop', 'wrong', 'extra', 'huge'), weight: 4 }),
      fc.nat(),
      wrongValue,
      fc.string({ minLength: 1, maxLength: 12 }),
    )
    .map(([body, mutation, at, wrong, extra]) => {
      const places = paths(body);
      const path = places[at % places.length]!;
      switch (mutation) {
        case 'drop':
          return path.length ? withAt(body, path, () => DROP) : body;
        case 'wrong':
          return withAt(body, path, () => wrong);
        case 'extra':
          return withAt(
            body,
            path.filter((_, i) => i < path.length - 1),
            (old) => (old && typeof old === 'object' && !Array.isArray(old) ? { ...old, [extra]: wrong } : old),
          );
        case 'huge':
          return withAt(body, path, (old) => (typeof old === 'string' ? old + 'x'.repeat(70_000) : Array.isArray(old) ? Array.from({ length: 120 }, () => old[0] ?? 1) : old));
        default:
          return body;
      }
    });
}

const wellFramed = { contentType: 'application/json', encoding: 'json', credentials: 'good', plaidVersion: null } as const;

/** How a request is framed: content type, body encoding, credentials, Plaid-Version —
 * mostly well, so that bodies reach the endpoints' own rules. */
export const framing: fc.Arbitrary<{
  contentType: string | null;
  encoding: 'json' | 'not-json' | 'array' | 'empty' | 'latin1';
  credentials: 'good' | 'missing' | 'wrong' | 'in-body';
  plaidVersion: string | null;
}> = fc.oneof(
  { arbitrary: fc.constant(wellFramed), weight: 3 },
  {
    arbitrary: fc.record({
      contentType: fc.constantFrom(
        'application/json',
        'application/json; charset=utf-8',
        'APPLICATION/JSON',
        'text/plain',
        'application/x-www-form-urlencoded',
        'application/jsonx',
        null,
      ),
      encoding: fc.constantFrom('json', 'json', 'not-json', 'array', 'empty', 'latin1'),
      credentials: fc.constantFrom('good', 'good', 'missing', 'wrong', 'in-body'),
      plaidVersion: fc.constantFrom(null, '2020-09-14', '2019-05-29', ''),
    }),
    weight: 2,
  },
);
export type Framing = typeof framing extends fc.Arbitrary<infer T> ? T : never;
