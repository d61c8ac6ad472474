/** Turns the schemas of Plaid's OpenAPI 3.0 document (test/spec) into JSON Schema, so
 * tests can check our answers against Plaid's own definitions. OpenAPI's `nullable`
 * becomes "or null"; `$ref`s point into `$defs`. */
import { readFile } from 'node:fs/promises';
import { parse } from 'yaml';

type Json = string | number | boolean | null | Json[] | { [key: string]: Json };
type Schema = { [key: string]: Json };

function convert(node: Json): Json {
  if (Array.isArray(node)) return node.map(convert);
  if (typeof node !== 'object' || node === null) return node;
  const out: Schema = {};
  for (const [key, value] of Object.entries(node)) {
    if (key === 'nullable' || key === 'example' || key === 'description' || key.startsWith('x-')) continue;
    out[key] = key === '$ref' ? String(value).replace('#/components/schemas/', '#/$defs/') : convert(value);
  }
  if (node.nullable === true) return { anyOf: [out, { type: 'null' }] };
  return out;
}

/** Every component schema of the spec, as JSON Schema `$defs`. */
export async function plaidSchemas(path = new URL('./plaid-beacon-openapi.yml', import.meta.url)): Promise<Schema> {
  const document = parse(await readFile(path, 'utf8')) as { components: { schemas: Schema } };
  return convert(document.components.schemas) as Schema;
}
