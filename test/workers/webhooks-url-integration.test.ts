import { describe, expect, it } from 'vitest';
import { validateWebhookUrl } from '../../src/domain/webhooks/url';
import { admin, dashboard, expectError, newClient } from './support/api';

// Tests run with ENVIRONMENT=sandbox: plain http is allowed only to localhost and 127.0.0.1.
const PRIVATE_TARGETS = [
  'http://10.0.0.1/hook',
  'https://10.0.0.1/hook',
  'http://[::1]/hook',
  'https://[::1]:8443/hook',
  'http://169.254.169.254/latest/meta-data/',
  'https://169.254.169.254/latest/meta-data/',
  'https://192.168.1.10/hook',
  'https://172.16.0.1/hook',
  'https://[fd00::1]/hook',
  'https://[::ffff:10.0.0.1]/hook',
  'https://printer.local/hook',
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

  it('allows http only to localhost and 127.0.0.1 on sandbox', async () => {
    const client = await newClient();
    for (const url of ['http://localhost:3000/webhooks', 'http://127.0.0.1:8080/hook', 'https://localhost/hook']) {
      const answer = await dashboard(client, '/dashboard/webhook/update', { url });
      expect(answer.status, `${url}: ${JSON.stringify(answer.body)}`).toBe(200);
    }
    expectError(await dashboard(client, '/dashboard/webhook/update', { url: 'http://hooks.example.com/beacon' }), 400, 'INVALID_REQUEST', 'INVALID_FIELD', /^url must use https$/);
  });

  it('refuses private, loopback and link-local targets — everywhere, sandbox included', async () => {
    const client = await newClient();
    for (const url of PRIVATE_TARGETS) {
      const answer = await dashboard(client, '/dashboard/webhook/update', { url });
      expectError(answer, 400, 'INVALID_REQUEST', 'INVALID_FIELD', /^url must (use https|not point at a private, loopback or link-local address)$/);
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

  it('on production, localhost and 127.0.0.1 are refused too', () => {
    for (const url of ['http://localhost:3000/hook', 'https://localhost/hook', 'https://127.0.0.1/hook', ...PRIVATE_TARGETS]) {
      expect(() => validateWebhookUrl(url, 'production', 'url'), url).toThrow(/^url must/);
    }
    expect(validateWebhookUrl('https://hooks.example.com/beacon', 'production')).toBe('https://hooks.example.com/beacon');
  });
});
