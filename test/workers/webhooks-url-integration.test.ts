import { env } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { newApp } from '../../src/app';
import { admin, dashboard, expectError, newClient } from './support/api';

// Tests run with ENVIRONMENT=sandbox and WEBHOOK_LOCAL_PORTS=9000-9099 (vitest.config.ts).
const REFUSED_TARGETS = [
  'http://10.0.0.1/hook',
  'https://10.0.0.1/hook',
  'http://[::1]/hook',
  'https://[::1]:8443/hook',
  'https://169.254.169.254/latest/meta-data/',
  'https://198.18.0.1/hook',
  'https://[fd00::1]/hook',
  'https://[::7f00:1]/hook',
  'https://[::ffff:10.0.0.1]/hook',
  'https://[64:ff9b::a9fe:a9fe]/hook',
  'https://[64:ff9b:1::a00:1]/hook',
  'https://[2002:a9fe:a9fe::1]/hook',
  'https://[2001:0:4136:e378:8000:63bf:3fff:fdd2]/hook',
  'https://[fec0::1]/hook',
  'https://[100::1]/hook',
  'https://2130706433/hook',
  'https://0x7f.1/hook',
  'https://127.0.0.1.nip.io/hook',
  'https://10-0-0-1.sslip.io/hook',
  'https://app-7f000001.nip.io/hook',
  'https://169.254.169.254.attacker.net/hook',
  'https://printer.local/hook',
  'https://db.internal/hook',
  'https://intranet/hook',
];

describe('/dashboard/webhook/update', () => {
  it('sets the caller’s webhook URL, and null removes it', async () => {
    const client = await newClient();
    const set = await dashboard(client, '/dashboard/webhook/update', { url: 'https://hooks.example.com/beacon' });
    expect(set.status, JSON.stringify(set.body)).toBe(200);
    expect(set.body).toEqual({ webhook_url: 'https://hooks.example.com/beacon', request_id: expect.any(String) });
    expect((await admin('/admin/client/get', { client_id: client.client_id })).body.webhook_url).toBe('https://hooks.example.com/beacon');

    const cleared = await dashboard(client, '/dashboard/webhook/update', { url: null });
    expect(cleared.body.webhook_url).toBeNull();
    expect((await admin('/admin/client/get', { client_id: client.client_id })).body.webhook_url).toBeNull();
  });

  it('on sandbox, allows receivers on its own machine on the configured ports only', async () => {
    const client = await newClient();
    for (const url of ['http://localhost:9000/webhooks', 'http://127.0.0.1:9099/hook', 'https://localhost:9050/hook', 'http://[::1]:9001/hook']) {
      const answer = await dashboard(client, '/dashboard/webhook/update', { url });
      expect(answer.status, `${url}: ${JSON.stringify(answer.body)}`).toBe(200);
    }
    for (const url of ['http://localhost:8787/hook', 'https://localhost/hook', 'http://127.0.0.1:3000/hook']) {
      expectError(
        await dashboard(client, '/dashboard/webhook/update', { url }),
        400,
        'INVALID_REQUEST',
        'INVALID_FIELD',
        /^url must use a port allowed for local receivers \(WEBHOOK_LOCAL_PORTS: 9000-9099\), not \d+$/,
      );
    }
    expectError(await dashboard(client, '/dashboard/webhook/update', { url: 'http://hooks.example.com/beacon' }), 400, 'INVALID_REQUEST', 'INVALID_FIELD', /^url must use https$/);
  });

  it('refuses private, special-purpose and disguised targets on both planes — sandbox included', async () => {
    const client = await newClient();
    for (const url of REFUSED_TARGETS) {
      const answer = await dashboard(client, '/dashboard/webhook/update', { url });
      expectError(answer, 400, 'INVALID_REQUEST', 'INVALID_FIELD', /^url must (use https|use a port allowed for local receivers|not |name a fully qualified host)/);
      // The admin plane applies the same rules.
      expectError(await admin('/admin/client/update', { client_id: client.client_id, webhook_url: url }), 400, 'INVALID_REQUEST', 'INVALID_FIELD', /^webhook_url must/);
      expectError(await admin('/admin/client/create', { name: 'X', webhook_url: url }), 400, 'INVALID_REQUEST', 'INVALID_FIELD', /^webhook_url must/);
    }
    // Refused requests change nothing.
    expect((await admin('/admin/client/get', { client_id: client.client_id })).body.webhook_url).toBeNull();
  });

  it('refuses what is not a URL, other schemes, and missing or unknown fields', async () => {
    const client = await newClient();
    expectError(await dashboard(client, '/dashboard/webhook/update', { url: 'hooks.example.com' }), 400, 'INVALID_REQUEST', 'INVALID_FIELD', /url must be an absolute URL/);
    expectError(await dashboard(client, '/dashboard/webhook/update', { url: 'ftp://hooks.example.com/x' }), 400, 'INVALID_REQUEST', 'INVALID_FIELD', /url must use https/);
    expectError(await dashboard(client, '/dashboard/webhook/update', { url: `https://hooks.example.com/${'a'.repeat(2048)}` }), 400, 'INVALID_REQUEST', 'INVALID_FIELD', /2048/);
    expectError(await dashboard(client, '/dashboard/webhook/update', {}), 400, 'INVALID_REQUEST', 'MISSING_FIELDS', /url/);
    expectError(await dashboard(client, '/dashboard/webhook/update', { url: 'https://a.example', webhook: 1 }), 400, 'INVALID_REQUEST', 'UNKNOWN_FIELDS', /webhook/);
    expectError(await dashboard(client, '/dashboard/webhook/update', { url: 42 }), 400, 'INVALID_REQUEST', 'INVALID_FIELD', /^url/);
  });
});

describe('webhook target configuration', () => {
  const app = newApp();
  const ctx = { waitUntil() {}, passThroughOnException() {}, props: {} } as unknown as ExecutionContext;
  /** Calls the admin plane of a deployment whose vars differ from the tests' by `overrides`. */
  const createClient = async (overrides: Partial<Record<'ENVIRONMENT' | 'WEBHOOK_LOCAL_PORTS' | 'WEBHOOK_HOST_ALLOWLIST', string>>, webhook_url: string) => {
    const response = await app.request(
      '/admin/client/create',
      { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${env.ADMIN_TOKEN}` }, body: JSON.stringify({ name: 'Configured', webhook_url }) },
      { ...env, ...overrides },
      ctx,
    );
    return { status: response.status, body: (await response.json()) as Record<string, any> };
  };

  it('an allow-list limits webhook URLs to the hosts it names', async () => {
    const allowlist = { WEBHOOK_HOST_ALLOWLIST: 'hooks.acme.com,*.acme-partners.com' };
    expect((await createClient(allowlist, 'https://hooks.acme.com/beacon')).status).toBe(200);
    expect((await createClient(allowlist, 'https://eu.acme-partners.com/beacon')).status).toBe(200);
    expectError(
      await createClient(allowlist, 'https://hooks.example.com/beacon'),
      400,
      'INVALID_REQUEST',
      'INVALID_FIELD',
      /^webhook_url must point at a host this deployment allows webhooks to/,
    );
  });

  it('production refuses local receivers, whatever WEBHOOK_LOCAL_PORTS says', async () => {
    const answer = await createClient({ ENVIRONMENT: 'production', WEBHOOK_LOCAL_PORTS: '9000-9099' }, 'http://localhost:9000/hook');
    expectError(answer, 400, 'INVALID_REQUEST', 'INVALID_FIELD', /^webhook_url must use https$/);
  });

  it('a malformed value fails every request with a message naming the var', async () => {
    for (const [name, value] of [
      ['WEBHOOK_LOCAL_PORTS', '9000..9099'],
      ['WEBHOOK_HOST_ALLOWLIST', 'https://hooks.acme.com/'],
    ] as const) {
      const answer = await createClient({ [name]: value }, 'https://hooks.example.com/beacon');
      expectError(answer, 500, 'API_ERROR', 'INTERNAL_SERVER_ERROR');
      expect(answer.body.error_message).toMatch(new RegExp(`^the deployment is misconfigured: ${name} must list .* not "${value.replace(/[.*/]/g, '\\$&')}"$`));
    }
  });
});
