// Who may call, and what it costs to be refused: the per-source limit before anything
// unauthenticated is read, refused credentials remembered, the operator's token compared in
// time that reveals nothing, and a client's lifecycle (disabled, secrets rotated and revoked).
import { env } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { CREDENTIAL_CACHE_MS } from '../../src/domain/clients';
import { credentialDigest, keyedDigest, matchesSecret, secretDigest } from '../../src/lib/crypto';
import { loadSecrets } from '../../src/secrets';
import { admin, api, clientHeaders, dashboard, expectError, newBeaconUser, newClient, newProgram, newSource, post, SOURCE_LIMIT, stranger } from './support/api';
import { inUserShards, writeInUserShards } from './support/storage';
import { consume, deliveryOf, memberWithReceiver, recordEvent } from './support/webhooks';

const fromSource = (source: string, headers: Record<string, string> = {}) => ({ 'CF-Connecting-IP': source, ...headers });

describe('requests that are not authenticated without a read', () => {
  it('are limited per source before the body is read or D1 touched, and refused credentials are remembered', async () => {
    const source = newSource();
    const unknown = { 'PLAID-CLIENT-ID': '0123456789abcdef01234567', 'PLAID-SECRET': '0123456789abcdef0123456789abcd' };
    const answers = [];
    for (let i = 0; i < SOURCE_LIMIT + 5; i++) answers.push(await post('/beacon/user/get', { beacon_user_id: 'becusr_x' }, fromSource(source, unknown)));
    // The first is looked up and refused; the next are refused from memory; then the source is over its limit.
    expectError(answers[0]!, 400, 'INVALID_INPUT', 'INVALID_API_KEYS');
    expect(answers[0]!.usage!.round_trips).toBe(1);
    for (const answer of answers.slice(1, SOURCE_LIMIT)) {
      expectError(answer, 400, 'INVALID_INPUT', 'INVALID_API_KEYS');
      expect(answer.usage!.round_trips).toBe(0);
    }
    for (const answer of answers.slice(SOURCE_LIMIT)) {
      expectError(answer, 429, 'RATE_LIMIT_EXCEEDED', 'RATE_LIMIT', /from this address/);
      expect(answer.usage!.round_trips).toBe(0);
    }
    // Another source, and a known client from this one, are not affected.
    const client = await newClient();
    expect((await api(client, '/beacon/user/get', { beacon_user_id: 'becusr_x' })).status).toBe(400);
  });

  it('a client recently seen, with its secret in the headers, skips the per-source limit', async () => {
    const client = await newClient();
    const source = newSource();
    const headers = { ...clientHeaders(client), 'CF-Connecting-IP': source };
    const program = await newProgram(client);
    // Exhaust the source with refused requests; the client is seen (from elsewhere) just before it calls from there.
    for (let i = 0; i < SOURCE_LIMIT + 1; i++) await post('/beacon/user/get', {}, fromSource(source));
    expect((await api(client, '/beacon/user/get', { beacon_user_id: 'becusr_x' })).status).toBe(400);
    const created = await post('/beacon/user/create', { program_id: program, client_user_id: 'recognised', user: stranger() }, headers);
    expect(created.status, JSON.stringify(created.body)).toBe(200);
  });

  it('wrong operator tokens are counted against their source, which is then refused', async () => {
    const source = newSource();
    const wrong = fromSource(source, { authorization: 'Bearer not-the-token-at-all-but-long-enough-0000' });
    let last: Awaited<ReturnType<typeof post>> | undefined;
    for (let i = 0; i < SOURCE_LIMIT + 1; i++) last = await post('/admin/client/list', {}, wrong);
    expectError(last!, 429, 'RATE_LIMIT_EXCEEDED', 'RATE_LIMIT');
    expect((await admin('/admin/client/list')).status).toBe(200);
  });

  it('a wrong operator token is refused before its (up to 1 MiB) body is read', async () => {
    const big = JSON.stringify({ program_id: 'becprg_x', users: [{ client_user_id: 'x', user: { name: { given_name: 'a'.repeat(900_000), family_name: 'b' } } }] });
    const answer = await post('/admin/beacon_user/import', big, fromSource(newSource(), { authorization: 'Bearer wrong' }));
    expectError(answer, 401, 'INVALID_INPUT', 'INVALID_API_KEYS');
  });

  it('the operator token matches only itself, whatever the length of a guess', async () => {
    const expected = await secretDigest(env.ADMIN_TOKEN!);
    expect(await matchesSecret(env.ADMIN_TOKEN!, expected)).toBe(true);
    for (const guess of ['', 'x', env.ADMIN_TOKEN!.slice(0, -1), `${env.ADMIN_TOKEN}x`, 'y'.repeat(10_000)]) {
      expect(await matchesSecret(guess, expected)).toBe(false);
    }
  });
});

describe('a client’s lifecycle', () => {
  it('an isolate trusts what it read of a client for at most CREDENTIAL_CACHE_MS, the time a change waits before answering', async () => {
    const client = await newClient();
    expect((await api(client, '/beacon/user/get', { beacon_user_id: 'becusr_x' })).body.error_code).toBe('INVALID_FIELD');
    // Another isolate disables the client (here: straight in the database, bypassing this isolate's cache).
    await env.CONTROL_DB.prepare('UPDATE clients SET disabled = 1 WHERE id = ?').bind(client.client_id).run();
    await new Promise((resolve) => setTimeout(resolve, CREDENTIAL_CACHE_MS + 100));
    expectError(await api(client, '/beacon/user/get', { beacon_user_id: 'becusr_x' }), 400, 'INVALID_INPUT', 'INVALID_API_KEYS');
  });

  it('rotating with an overlap keeps the previous secret working until revoked; without one it stops at once', async () => {
    const client = await newClient();
    const rotated = await admin('/admin/client/secret/rotate', { client_id: client.client_id, previous_secret_valid_seconds: 3600 });
    expect(rotated.body.previous_secret_expires_at).toMatch(/Z$/);
    const fresh = { client_id: client.client_id, secret: rotated.body.secret };
    for (const credentials of [client, fresh]) expect((await api(credentials, '/beacon/user/get', { beacon_user_id: 'becusr_x' })).body.error_code).toBe('INVALID_FIELD');
    expectError(
      await admin('/admin/client/secret/rotate', { client_id: client.client_id, previous_secret_valid_seconds: 8 * 24 * 3600 }),
      400,
      'INVALID_REQUEST',
      'INVALID_FIELD',
      /at most 604800/,
    );

    const revoked = await admin('/admin/client/secret/revoke_previous', { client_id: client.client_id });
    expect(revoked.body.previous_secret_expires_at).toBeNull();
    expectError(await api(client, '/beacon/user/get', { beacon_user_id: 'becusr_x' }), 400, 'INVALID_INPUT', 'INVALID_API_KEYS');
    expect((await api(fresh, '/beacon/user/get', { beacon_user_id: 'becusr_x' })).body.error_code).toBe('INVALID_FIELD');

    const again = await admin('/admin/client/secret/rotate', { client_id: client.client_id });
    expectError(await api(fresh, '/beacon/user/get', { beacon_user_id: 'becusr_x' }), 400, 'INVALID_INPUT', 'INVALID_API_KEYS');
    expect((await api({ client_id: client.client_id, secret: again.body.secret }, '/beacon/user/get', { beacon_user_id: 'becusr_x' })).body.error_code).toBe('INVALID_FIELD');
  });

  it('a disabled client gets no deliveries (visible as skipped, re-sendable once enabled) and cannot be imported into', async () => {
    const { client, receiver } = await memberWithReceiver();
    const program = await newProgram(client);
    await admin('/admin/client/update', { client_id: client.client_id, disabled: true });
    const eventId = await recordEvent(client.client_id);
    expect((await consume('beacon-webhooks', [{ eventId }])).explicitAcks).toHaveLength(1);
    expect(await receiver.received()).toEqual([]);
    const imported = await admin('/admin/beacon_user/import', { program_id: program, users: [{ client_user_id: 'x', user: stranger() }] });
    expectError(imported, 400, 'INVALID_REQUEST', 'INVALID_FIELD', /disabled client/);

    await admin('/admin/client/update', { client_id: client.client_id, disabled: false });
    expect(await deliveryOf(client, eventId)).toMatchObject({ status: 'skipped', last_error: 'client_disabled' });
    expect((await dashboard(client, '/dashboard/webhook/delivery/retry', { delivery_id: eventId })).status).toBe(200);
    await expect.poll(async () => (await receiver.received()).length, { timeout: 10_000 }).toBe(1);
    expect((await newBeaconUser(client, program, stranger())).status).toBe('cleared');
  });
});

describe('credentials at rest', () => {
  const storedSecret = async (clientId: string) =>
    env.CONTROL_DB.prepare('SELECT secret_digest AS digest, secret_hmac_kid AS kid FROM clients WHERE id = ?').bind(clientId).first<{ digest: string; kid: string | null }>();
  const storedToken = async (userId: string) =>
    (await inUserShards<{ digest: string; kid: string | null }>('SELECT token_digest AS digest, token_hmac_kid AS kid FROM users WHERE id = ?', userId))[0]!;

  it('are SHA-256 digests, untouched by the HMAC key', async () => {
    const client = await newClient();
    expect(await storedSecret(client.client_id)).toEqual({ digest: await credentialDigest(client.secret), kid: null });
    const { body } = await api(client, '/user/create', { client_user_id: 'at-rest' });
    expect(await storedToken(body.user_id)).toEqual({ digest: await credentialDigest(body.user_token), kid: null });
  });

  it('stored as HMAC digests by an earlier version are accepted, and replaced by their SHA-256 when used', async () => {
    const { hmacKey } = await loadSecrets(env);
    const client = await newClient();
    const { body: user } = await api(client, '/user/create', { client_user_id: 'legacy' });
    await env.CONTROL_DB.prepare('UPDATE clients SET secret_digest = ?, secret_hmac_kid = ? WHERE id = ?')
      .bind(await keyedDigest(hmacKey, 'credential', client.secret), hmacKey.current.kid, client.client_id)
      .run();
    await writeInUserShards(
      'UPDATE users SET token_digest = ?, token_hmac_kid = ? WHERE id = ?',
      await keyedDigest(hmacKey, 'user-token', user.user_token),
      hmacKey.current.kid,
      user.user_id,
    );
    // (The isolate may still know the client as it was: past the credential cache, it reads it.)
    await new Promise((resolve) => setTimeout(resolve, CREDENTIAL_CACHE_MS + 100));

    const byToken = (email: string) => api(client, '/user/update', { user_token: user.user_token, identity: { emails: [{ data: email, primary: true }] } });
    const updated = await byToken('first@example.com');
    expect(updated.status, JSON.stringify(updated.body)).toBe(200);
    expect(await storedSecret(client.client_id)).toEqual({ digest: await credentialDigest(client.secret), kid: null });
    expect(await storedToken(user.user_id)).toEqual({ digest: await credentialDigest(user.user_token), kid: null });
    expect((await byToken('second@example.com')).status).toBe(200);
    expect((await api(client, '/user/get', { user_id: user.user_id })).body.identity.emails).toEqual([{ data: 'second@example.com', primary: true }]);
  });
});

describe('key rotation', () => {
  it('is refused while no previous key is configured; status says nothing is rotating', async () => {
    expectError(await admin('/admin/key_rotation/start'), 400, 'INVALID_REQUEST', 'INVALID_FIELD', /no previous key is configured/);
    const status = await admin('/admin/key_rotation/status');
    expect(status.body).toMatchObject({
      rotating: false,
      complete: false,
      targets: 0,
      client_ids_with_secrets_under_previous_hmac_key: [],
      user_tokens_under_previous_hmac_key: 0,
    });
  });
});
