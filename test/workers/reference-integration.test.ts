import { env } from 'cloudflare:test';
import { exports } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { registeredEndpoints } from '../../src/app';
import { checkHealth } from '../../src/domain/health';
import { plaidSpec } from '../../src/http/openapi';
import { isPlaidResponse } from '../../src/schemas/plaid';
import { expectError } from './support/api';

const get = (path: string, headers: Record<string, string> = {}) => exports.default.fetch(`https://beacon.test${path}`, { headers });

/** The Content-Security-Policy header as directive → sources. */
function csp(response: Response): Map<string, string[]> {
  const header = response.headers.get('content-security-policy');
  expect(header, 'a Content-Security-Policy header').toBeTruthy();
  return new Map(
    header!
      .split(';')
      .map((d) => d.trim().split(/\s+/))
      .filter(([name]) => name)
      .map(([name, ...sources]) => [name!, sources]),
  );
}

type Json = Record<string, any>;

/** Every `$ref` in a document, with where it was found. */
function refsOf(node: unknown, at = '#'): { at: string; ref: string }[] {
  if (Array.isArray(node)) return node.flatMap((item, i) => refsOf(item, `${at}/${i}`));
  if (typeof node !== 'object' || node === null) return [];
  return Object.entries(node).flatMap(([key, value]) => (key === '$ref' ? [{ at, ref: String(value) }] : refsOf(value, `${at}/${key}`)));
}

describe('GET /: the landing page', () => {
  it('links the console, the reference, its document and the health check, under a policy that allows no script', async () => {
    const response = await get('/');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/html/);
    const page = await response.text();
    for (const href of ['/console', '/docs', '/openapi.json', '/health']) expect(page).toContain(`href="${href}"`);
    expect(page).not.toMatch(/<script/i);

    const policy = csp(response);
    expect(policy.get('default-src')).toEqual(["'none'"]);
    expect(policy.get('script-src')).toBeUndefined(); // falls back to default-src 'none'
    expect(policy.get('frame-ancestors')).toEqual(["'none'"]);
    // The one inline stylesheet is allowed by a nonce that changes on every answer.
    const nonce = /^'nonce-([A-Za-z0-9+/=_-]+)'$/.exec(policy.get('style-src')?.[0] ?? '')?.[1];
    expect(page).toContain(`<style nonce="${nonce}">`);
    const again = csp(await get('/')).get('style-src');
    expect(again).not.toEqual(policy.get('style-src'));
  });
});

describe('GET /docs: the interactive reference', () => {
  it('loads its scripts and stylesheet from this origin only, with no inline script or style', async () => {
    const response = await get('/docs');
    expect(response.status).toBe(200);
    const page = await response.text();
    const scripts = [...page.matchAll(/<script([^>]*)>([\s\S]*?)<\/script>/g)];
    expect(scripts.map(([, attributes]) => /src="([^"]+)"/.exec(attributes!)?.[1])).toEqual(['/docs/swagger-ui/swagger-ui-bundle.js', '/docs/reference.js']);
    for (const [, , body] of scripts) expect(body!.trim()).toBe('');
    expect(page).not.toMatch(/<style|style="/);
    expect(page).toContain('data-document="/openapi.json"');

    const policy = csp(response);
    expect(policy.get('default-src')).toEqual(["'none'"]);
    expect(policy.get('script-src')).toEqual(["'self'"]);
    expect(policy.get('style-src')).toEqual(["'self'"]);
    expect(policy.get('connect-src')).toEqual(["'self'"]);
    expect([...policy.values()].flat()).not.toContain("'unsafe-inline'");
    expect([...policy.values()].flat()).not.toContain("'unsafe-eval'");
  });
});

describe('GET /openapi.json', () => {
  const documentFor = async (origin = 'https://beacon.test') => {
    const response = await exports.default.fetch(`${origin}/openapi.json`);
    expect(response.status).toBe(200);
    return (await response.json()) as Json;
  };

  it('describes every registered endpoint under its plane, with its summary, and this deployment as the server', async () => {
    const document = await documentFor('https://network.example');
    expect(document.openapi).toBe('3.1.0');
    expect(document.servers).toEqual([{ url: 'https://network.example', description: 'This deployment' }]);
    const endpoints = registeredEndpoints();
    expect(endpoints.length).toBeGreaterThan(40);
    expect(Object.keys(document.paths).sort()).toEqual(endpoints.map((e) => e.path).sort());
    const tags = { api: 'API', dashboard: 'Dashboard', admin: 'Admin' };
    for (const endpoint of endpoints) {
      const operation = document.paths[endpoint.path].post;
      expect(operation.tags, endpoint.path).toEqual([tags[endpoint.plane]]);
      expect(operation.summary).toBe(endpoint.summary);
      expect(operation.responses.default.content['application/json'].schema).toEqual({ $ref: '#/components/schemas/PlaidError' });
    }
    expect(new Set(Object.values(document.paths).map((item: any) => item.post.operationId)).size).toBe(endpoints.length);
  });

  it('gives the API plane Plaid’s own request and response schemas, as Plaid’s spec names them for each path', async () => {
    const document = await documentFor();
    const spec = plaidSpec();
    for (const endpoint of registeredEndpoints().filter((e) => e.plane === 'api')) {
      const plaid = spec.operations[endpoint.path];
      expect(plaid, `${endpoint.path} is in Plaid's spec`).toBeDefined();
      const operation = document.paths[endpoint.path].post;
      expect(operation.operationId).toBe(plaid!.operationId);
      expect(operation.requestBody.content['application/json'].schema).toEqual({ $ref: `#/components/schemas/${plaid!.request}` });
      // The handler's type and the document name the schema Plaid's spec gives the path.
      expect(isPlaidResponse(endpoint.response) && endpoint.response.plaid, endpoint.path).toBe(plaid!.response);
      expect(operation.responses['200'].content['application/json'].schema).toEqual({ $ref: `#/components/schemas/${plaid!.response}` });
      expect(operation.security).toEqual([{ clientId: [], secret: [] }]);
    }
    // Plaid's schemas are carried over, with the documented departures applied.
    const userData = document.components.schemas.BeaconUserData;
    expect(userData.properties.date_of_birth.anyOf).toContainEqual({ type: 'null' });
    expect(userData.properties.address.anyOf).toContainEqual({ type: 'null' });
    expect(document.components.schemas.BeaconUserGetRequest).toEqual(spec.schemas.BeaconUserGetRequest);
  });

  it('gives the dashboard and admin planes their zod schemas, with each plane’s credentials', async () => {
    const document = await documentFor();
    const { schemas, securitySchemes } = document.components;
    expect(securitySchemes.adminToken).toMatchObject({ type: 'http', scheme: 'bearer' });
    expect(securitySchemes.clientId).toMatchObject({ type: 'apiKey', in: 'header', name: 'PLAID-CLIENT-ID' });

    const create = document.paths['/dashboard/program/create'].post;
    expect(create.security).toEqual([{ clientId: [], secret: [] }]);
    const request = schemas[create.requestBody.content['application/json'].schema.$ref.split('/').pop()];
    expect(request.required).toEqual(expect.arrayContaining(['name', 'dashboard_user_id']));
    expect(Object.keys(request.properties)).toEqual(expect.arrayContaining(['name', 'settings', 'client_id', 'secret', 'dashboard_user_id']));
    const program = schemas[create.responses['200'].content['application/json'].schema.$ref.split('/').pop()];
    expect(program.required).toEqual(expect.arrayContaining(['id', 'name', 'settings', 'created_at', 'updated_at']));

    const clientCreate = document.paths['/admin/client/create'].post;
    expect(clientCreate.security).toEqual([{ adminToken: [] }]);
    const credentials = schemas[clientCreate.responses['200'].content['application/json'].schema.$ref.split('/').pop()];
    expect(credentials.required).toEqual(['client_id', 'secret']);
    expect(Object.keys(schemas[clientCreate.requestBody.content['application/json'].schema.$ref.split('/').pop()].properties)).not.toContain('dashboard_user_id');

    // A dashboard answer that is Plaid's object plus this network's own fields.
    const confirm = document.paths['/dashboard/report_syndication/confirm'].post.responses['200'].content['application/json'].schema;
    expect(confirm.allOf[0]).toEqual({ $ref: '#/components/schemas/BeaconReportSyndicationGetResponse' });
    expect(Object.keys(confirm.allOf[1].properties)).toEqual(['confirmed_at', 'confirmed_by']);
  });

  it('resolves every $ref inside the document, and carries no schema that nothing uses', async () => {
    const document = await documentFor();
    const refs = refsOf(document);
    for (const { at, ref } of refs) {
      const target = ref
        .replace(/^#\//, '')
        .split('/')
        .reduce<any>((node, key) => node?.[key], document);
      expect(target, `${ref} (at ${at})`).toBeDefined();
    }
    const used = new Set(refs.map(({ ref }) => ref.split('/').pop()));
    expect(Object.keys(document.components.schemas).filter((name) => !used.has(name))).toEqual([]);
  });
});

describe('GET /health', () => {
  it('reads every database and says so, with no secret in the answer', async () => {
    const response = await get('/health');
    expect(response.status).toBe(200);
    const body = (await response.json()) as Json;
    expect(body).toMatchObject({ status: 'ok', environment: 'sandbox' });
    expect(body.checks.map((c: Json) => c.name)).toEqual(['configuration', 'CONTROL_DB', 'USER_SHARD_0', 'USER_SHARD_1', 'INDEX_SHARD_0', 'INDEX_SHARD_1']);
    expect(body.checks.every((c: Json) => c.ok)).toBe(true);
    const text = JSON.stringify(body);
    for (const secret of [env.ADMIN_TOKEN, env.HMAC_KEY, env.PII_ENCRYPTION_KEY]) expect(text).not.toContain(secret);
  });

  it('fails on a missing secret, naming it, and on a database that is not of its kind (not migrated for it)', async () => {
    const unconfigured = await checkHealth({ ...env, HMAC_KEY: undefined } as typeof env);
    expect(unconfigured.ok).toBe(false);
    expect(unconfigured.checks).toEqual([{ name: 'configuration', ok: false, error: expect.stringContaining('HMAC_KEY') }]);

    const misbound = await checkHealth({ ...env, USER_SHARD_1: env.INDEX_SHARD_0! });
    expect(misbound.ok).toBe(false);
    expect(misbound.checks.filter((c) => !c.ok).map((c) => c.name)).toEqual(['USER_SHARD_1']);
  });
});

describe('every other GET still answers Plaid’s 404', () => {
  it('unknown paths, JSON endpoints asked with GET, and POST to a page', async () => {
    for (const response of [
      await get('/nowhere'),
      await get('/beacon/user/get'),
      await get('/docs/nothing-here'),
      await exports.default.fetch('https://beacon.test/', { method: 'POST' }),
    ]) {
      expectError({ status: response.status, body: await response.json() }, 404, 'INVALID_REQUEST', 'NOT_FOUND');
    }
  });
});
