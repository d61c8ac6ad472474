import { env } from 'cloudflare:test';
import { exports } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { newApp } from '../../src/app';
import { MAX_BODY_BYTES } from '../../src/http/body';
import { admin, api, expectError, newClient, newProgram, post } from './support/api';

const raw = (path: string, init: RequestInit) => exports.default.fetch(`https://beacon.test${path}`, { method: 'POST', ...init });

describe('request bodies', () => {
  it('refuses a body that is not JSON', async () => {
    const response = await raw('/beacon/user/get', { headers: { 'content-type': 'application/json' }, body: '{"beacon_user_id":' });
    expectError({ status: response.status, body: await response.json() }, 400, 'INVALID_REQUEST', 'INVALID_BODY', /not valid JSON/);
  });

  it('refuses a content type that is not JSON', async () => {
    const response = await raw('/beacon/user/get', { headers: { 'content-type': 'text/plain' }, body: '{}' });
    expectError({ status: response.status, body: await response.json() }, 400, 'INVALID_REQUEST', 'INVALID_BODY', /Content-Type/);
  });

  it('refuses a missing content type', async () => {
    const response = await raw('/beacon/user/get', { body: new Blob(['{}']).stream() });
    expectError({ status: response.status, body: await response.json() }, 400, 'INVALID_REQUEST', 'INVALID_BODY');
  });

  it('accepts a JSON content type with a charset', async () => {
    const client = await newClient();
    const response = await raw('/beacon/user/get', {
      headers: { 'content-type': 'application/json; charset=utf-8', 'PLAID-CLIENT-ID': client.client_id, 'PLAID-SECRET': client.secret },
      body: JSON.stringify({ beacon_user_id: 'becusr_00000000000000' }),
    });
    // Past the body checks: the id is unknown.
    expectError({ status: response.status, body: await response.json() }, 400, 'INVALID_REQUEST', 'INVALID_FIELD', /beacon_user_id not found/);
  });

  it('refuses JSON that is not an object', async () => {
    for (const body of ['[1,2]', 'null', '"text"', '42']) {
      expectError(await post('/beacon/user/get', body), 400, 'INVALID_REQUEST', 'INVALID_BODY', /JSON object/);
    }
  });

  it('refuses an oversized body by its declared length and by its actual size', async () => {
    const big = JSON.stringify({ padding: 'x'.repeat(MAX_BODY_BYTES) });
    expectError(await post('/beacon/user/get', big), 413, 'INVALID_REQUEST', 'INVALID_BODY', /exceeds/);
    // A streamed body has no Content-Length; it is cut off while being read.
    const response = await raw('/beacon/user/get', { headers: { 'content-type': 'application/json' }, body: new Blob([big]).stream() });
    expectError({ status: response.status, body: await response.json() }, 413, 'INVALID_REQUEST', 'INVALID_BODY');
  });

  it('refuses bytes that are not UTF-8', async () => {
    const response = await raw('/beacon/user/get', {
      headers: { 'content-type': 'application/json' },
      body: new Uint8Array([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x7d]),
    });
    expectError({ status: response.status, body: await response.json() }, 400, 'INVALID_REQUEST', 'INVALID_BODY', /UTF-8/);
  });
});

describe('routing', () => {
  it('answers an unknown path with NOT_FOUND', async () => {
    expectError(await post('/beacon/nothing/here', {}), 404, 'INVALID_REQUEST', 'NOT_FOUND', /POST \/beacon\/nothing\/here/);
  });

  it('answers another method with NOT_FOUND', async () => {
    const response = await exports.default.fetch('https://beacon.test/beacon/user/get');
    expectError({ status: response.status, body: await response.json() }, 404, 'INVALID_REQUEST', 'NOT_FOUND', /GET/);
  });

  it('puts a fresh request_id on every answer, success or error', async () => {
    const client = await newClient();
    const ids = new Set<string>();
    for (const answer of [
      await api(client, '/dashboard/nothing', {}),
      await post('/beacon/user/get', '[]'),
      await api(client, '/beacon/user/get', {}),
      await admin('/admin/client/list'),
    ]) {
      expect(answer.body.request_id).toMatch(/^[A-Za-z0-9]{15}$/);
      ids.add(answer.body.request_id);
    }
    expect(ids.size).toBe(4);
  });

  it('renders the full Plaid error object', async () => {
    const answer = await post('/beacon/user/get', { beacon_user_id: 'x' });
    expect(answer.body).toEqual({
      error_type: 'INVALID_REQUEST',
      error_code: 'MISSING_FIELDS',
      error_code_reason: null,
      error_message: 'the following required fields are missing: client_id, secret',
      display_message: null,
      request_id: expect.stringMatching(/^[A-Za-z0-9]{15}$/),
      causes: [],
      status: 400,
      documentation_url: 'https://plaid.com/docs/errors/invalid-request/#missing_fields',
      suggested_action: null,
    });
  });
});

describe('API credentials', () => {
  it('takes credentials from Plaid headers or from the body', async () => {
    const client = await newClient();
    const program = await newProgram(client);
    const inHeaders = await api(client, '/dashboard/program/get', { program_id: program, dashboard_user_id: 'a' });
    expect(inHeaders.status).toBe(200);
    const inBody = await post('/dashboard/program/get', { ...client, program_id: program, dashboard_user_id: 'a' });
    expect(inBody.status).toBe(200);
    expect(inBody.body.id).toBe(program);
  });

  it('lists each missing credential', async () => {
    expectError(await post('/beacon/user/get', { beacon_user_id: 'x' }), 400, 'INVALID_REQUEST', 'MISSING_FIELDS', /client_id, secret/);
    expectError(await post('/beacon/user/get', { client_id: 'abc', beacon_user_id: 'x' }), 400, 'INVALID_REQUEST', 'MISSING_FIELDS', /missing: secret$/);
  });

  it('refuses a wrong secret, an unknown client and a disabled client alike', async () => {
    const client = await newClient();
    const body = { beacon_user_id: 'becusr_x' };
    expectError(await api({ ...client, secret: 'wrong' }, '/beacon/user/get', body), 400, 'INVALID_INPUT', 'INVALID_API_KEYS');
    expectError(await api({ ...client, client_id: 'nobody' }, '/beacon/user/get', body), 400, 'INVALID_INPUT', 'INVALID_API_KEYS');
    await admin('/admin/client/update', { client_id: client.client_id, disabled: true });
    expectError(await api(client, '/beacon/user/get', body), 400, 'INVALID_INPUT', 'INVALID_API_KEYS');
    await admin('/admin/client/update', { client_id: client.client_id, disabled: false });
    expectError(await api(client, '/beacon/user/get', body), 400, 'INVALID_REQUEST', 'INVALID_FIELD');
  });

  it('refuses credentials that are not strings', async () => {
    expectError(await post('/beacon/user/get', { client_id: 42, secret: 'x', beacon_user_id: 'x' }), 400, 'INVALID_REQUEST', 'INVALID_FIELD', /client_id must be a string/);
  });

  it('requires dashboard_user_id on the dashboard plane', async () => {
    const client = await newClient();
    const answer = await post('/dashboard/program/list', { ...client });
    expectError(answer, 400, 'INVALID_REQUEST', 'MISSING_FIELDS', /dashboard_user_id/);
  });

  it('serves Plaid-Version 2020-09-14 only', async () => {
    const client = await newClient();
    const headers = { 'PLAID-CLIENT-ID': client.client_id, 'PLAID-SECRET': client.secret };
    const served = await post('/beacon/user/get', { beacon_user_id: 'x' }, { ...headers, 'Plaid-Version': '2020-09-14' });
    expectError(served, 400, 'INVALID_REQUEST', 'INVALID_FIELD', /beacon_user_id not found/);
    const other = await post('/beacon/user/get', { beacon_user_id: 'x' }, { ...headers, 'Plaid-Version': '2018-05-22' });
    expectError(other, 400, 'INVALID_REQUEST', 'INVALID_FIELD', /Plaid-Version 2018-05-22/);
  });
});

describe('request validation', () => {
  it('names unknown fields, including nested ones, before anything else', async () => {
    const client = await newClient();
    const answer = await api(client, '/beacon/user/create', { progam_id: 'x', client_user_id: 'a', user: { name: { given_name: 'A', family_name: 'B', middle: 'C' } } });
    expectError(answer, 400, 'INVALID_REQUEST', 'UNKNOWN_FIELDS', /progam_id, user\.name\.middle|user\.name\.middle, progam_id/);
  });

  it('lists every missing field at once', async () => {
    const client = await newClient();
    const answer = await api(client, '/beacon/user/create', { user: { date_of_birth: '1990-01-01' } });
    expectError(answer, 400, 'INVALID_REQUEST', 'MISSING_FIELDS');
    for (const field of ['program_id', 'client_user_id', 'user.name']) expect(answer.body.error_message).toContain(field);
  });

  it('reports an absent enum field as missing', async () => {
    const client = await newClient();
    expectError(await api(client, '/beacon/user/review', { beacon_user_id: 'becusr_x' }), 400, 'INVALID_REQUEST', 'MISSING_FIELDS', /missing: status$/);
  });

  it('names the invalid field and the rule it breaks', async () => {
    const client = await newClient();
    const answer = await api(client, '/beacon/user/review', { beacon_user_id: 'becusr_x', status: 'approved' });
    expectError(answer, 400, 'INVALID_REQUEST', 'INVALID_FIELD', /^status: must be one of rejected, pending_review, cleared$/);
  });
});

describe('configuration', () => {
  const app = newApp();
  const ctx = { waitUntil() {}, passThroughOnException() {}, props: {} } as unknown as ExecutionContext;
  const call = (overrides: Partial<Record<'ENVIRONMENT' | 'ADMIN_TOKEN' | 'PII_ENCRYPTION_KEY' | 'HMAC_KEY', string | undefined>>) =>
    app.request(
      '/admin/client/list',
      { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${env.ADMIN_TOKEN}` }, body: '{}' },
      { ...env, ...overrides },
      ctx,
    );

  it('fails every request with a clear message when a secret is missing', async () => {
    for (const name of ['ADMIN_TOKEN', 'PII_ENCRYPTION_KEY', 'HMAC_KEY'] as const) {
      const response = await call({ ENVIRONMENT: 'production', [name]: undefined });
      const body = (await response.json()) as Record<string, unknown>;
      expectError({ status: response.status, body }, 500, 'API_ERROR', 'INTERNAL_SERVER_ERROR');
      expect(body.error_message).toContain(`secret ${name} is not set`);
    }
  });

  it('refuses malformed keys and unknown environments', async () => {
    const short = await (await call({ PII_ENCRYPTION_KEY: btoa('too short') })).json<Record<string, string>>();
    expect(short.error_message).toMatch(/PII_ENCRYPTION_KEY must be base64 of 32 random bytes/);
    const weak = await (await call({ ADMIN_TOKEN: 'short' })).json<Record<string, string>>();
    expect(weak.error_message).toMatch(/ADMIN_TOKEN must be at least 32 characters/);
    const environment = await (await call({ ENVIRONMENT: 'staging' })).json<Record<string, string>>();
    expect(environment.error_message).toMatch(/ENVIRONMENT must be "sandbox" or "production"/);
  });
});

describe('rate limiting', () => {
  it('answers 429 RATE_LIMIT once a client exceeds its limit, without affecting other clients', async () => {
    const [busy, quiet] = [await newClient(), await newClient()];
    // The test limit is 200 a minute. Windows are aligned to the clock, so within
    // 401 requests a 429 must come even if one window rolls over mid-test.
    let limited: Awaited<ReturnType<typeof api>> | undefined;
    for (let i = 0; i < 401 && !limited; i++) {
      const answer = await api(busy, '/dashboard/program/list', { dashboard_user_id: 'a' });
      if (answer.status === 429) limited = answer;
      else expect(answer.status).toBe(200);
    }
    expectError(limited!, 429, 'RATE_LIMIT_EXCEEDED', 'RATE_LIMIT');
    expect((await api(quiet, '/dashboard/program/list', { dashboard_user_id: 'a' })).status).toBe(200);
  });
});
