// Plaid's OpenAPI document (test/spec/plaid-beacon-openapi.yml, the authority for the API
// plane) read and converted once, for everything that needs it: the Worker's API reference
// (through the module scripts/build.mjs generates) and the tests' schema checks.
import { readFile } from 'node:fs/promises';
import { parse } from 'yaml';

/** @typedef {string | number | boolean | null | JsonArray | JsonObject} Json */
/** @typedef {Json[]} JsonArray */
/** @typedef {{ [key: string]: Json }} JsonObject */

export const PLAID_SPEC_PATH = new URL('../test/spec/plaid-beacon-openapi.yml', import.meta.url);

/**
 * What the Worker's reference takes from Plaid's document: each path's operation (its
 * summary, description, request and response schema names, response examples), every
 * component schema as JSON Schema (OpenAPI 3.1), and the security schemes.
 * @typedef {object} PlaidSpec
 * @property {string} version Plaid's `info.version`
 * @property {Record<string, PlaidOperation>} operations by path
 * @property {Record<string, JsonObject>} schemas
 * @property {Record<string, JsonObject>} securitySchemes
 *
 * @typedef {object} PlaidOperation
 * @property {string} operationId
 * @property {string} summary
 * @property {string} description
 * @property {string} request the name of its request schema
 * @property {string} response the name of its 200 response schema
 * @property {Json} [examples] the 200 response's examples
 */

/**
 * OpenAPI 3.0 schemas → JSON Schema 2020-12 (which OpenAPI 3.1 schemas are): `nullable`
 * becomes "or null", `example` becomes `examples`, and `$ref`s point under `refBase`.
 * @param {Json} node
 * @param {string} refBase e.g. `#/components/schemas/` or `#/$defs/`
 * @returns {Json}
 */
export function toJsonSchema(node, refBase) {
  if (Array.isArray(node)) return node.map((item) => toJsonSchema(item, refBase));
  if (typeof node !== 'object' || node === null) return node;
  /** @type {JsonObject} */
  const out = {};
  for (const [key, value] of Object.entries(node)) {
    if (key === 'nullable') continue;
    if (key === 'example') out.examples = [value];
    else if (key === '$ref') out.$ref = String(value).replace('#/components/schemas/', refBase);
    else out[key] = toJsonSchema(value, refBase);
  }
  if (node.nullable === true) return { anyOf: [out, { type: 'null' }] };
  return out;
}

/** @param {URL | string} [path] */
export async function readPlaidDocument(path = PLAID_SPEC_PATH) {
  return /** @type {any} */ (parse(await readFile(path, 'utf8')));
}

/**
 * Every component schema of Plaid's document as JSON Schema, `$ref`s under `refBase`.
 * @param {string} refBase
 * @param {URL | string} [path]
 * @returns {Promise<Record<string, JsonObject>>}
 */
export async function plaidSchemas(refBase, path) {
  const document = await readPlaidDocument(path);
  return /** @type {Record<string, JsonObject>} */ (toJsonSchema(document.components.schemas, refBase));
}

/**
 * @param {URL | string} [path]
 * @returns {Promise<PlaidSpec>}
 */
export async function plaidSpec(path) {
  const document = await readPlaidDocument(path);
  const refName = (/** @type {{ $ref: string }} */ schema) => schema.$ref.replace('#/components/schemas/', '');
  /** @type {Record<string, PlaidOperation>} */
  const operations = {};
  for (const [path, item] of Object.entries(/** @type {Record<string, any>} */ (document.paths))) {
    const post = item.post;
    if (!post) continue;
    const ok = post.responses['200'].content['application/json'];
    operations[path] = {
      operationId: post.operationId,
      summary: post.summary,
      description: post.description ?? '',
      request: refName(post.requestBody.content['application/json'].schema),
      response: refName(ok.schema),
      ...(ok.examples ? { examples: ok.examples } : {}),
    };
  }
  return {
    version: String(document.info.version),
    operations,
    schemas: /** @type {Record<string, JsonObject>} */ (toJsonSchema(document.components.schemas, '#/components/schemas/')),
    securitySchemes: document.components.securitySchemes,
  };
}
