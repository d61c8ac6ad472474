import { env } from 'cloudflare:test';
import { decodeProtectedHeader, importJWK, jwtVerify } from 'jose';
import { describe, expect, it } from 'vitest';
import { Storage } from '../../src/db';
import { currentSigningKey, getVerificationKey, ROTATION_OVERLAP_SECONDS, rotateSigningKey } from '../../src/domain/webhooks/keys';
import { signBody } from '../../src/domain/webhooks/message';
import { openJson } from '../../src/lib/crypto';
import { loadSecrets, type Secrets } from '../../src/secrets';
import { admin, api, expectError, newClient, post } from './support/api';
import { expectSpecShape } from './support/spec';
import { consume, memberWithReceiver, recordEvent } from './support/webhooks';

/** The kid that signed the latest webhook a receiver got. */
async function kidOfLastDelivery(receiver: Awaited<ReturnType<typeof memberWithReceiver>>['receiver']) {
  const received = await receiver.received();
  return decodeProtectedHeader(received.at(-1)!.headers['plaid-verification']!).kid!;
}

/** Domain-level checks that change keys run in the `production` environment, which no other
 * suite signs with, so that expiring a key here cannot disturb them. */
async function productionSecrets(): Promise<Secrets> {
  return { ...(await loadSecrets(env)), environment: 'production' };
}

describe('webhook signing keys', () => {
  it('/webhook_verification_key/get returns the signing key as the spec’s JWK', async () => {
    const { client, receiver } = await memberWithReceiver();
    await consume('beacon-webhooks', [{ eventId: await recordEvent(client.client_id) }]);
    const kid = await kidOfLastDelivery(receiver);
    expect(kid).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);

    const { status, body } = await api(client, '/webhook_verification_key/get', { key_id: kid });
    expect(status).toBe(200);
    expectSpecShape('WebhookVerificationKeyGetResponse', body);
    expect(body.key).toEqual({
      alg: 'ES256',
      crv: 'P-256',
      kid,
      kty: 'EC',
      use: 'sig',
      x: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/),
      y: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/),
      created_at: expect.any(Number),
      expired_at: null,
    });
    expect(Number.isInteger(body.key.created_at)).toBe(true);
    expect(body.key.created_at).toBeLessThanOrEqual(Date.now() / 1000 + 1);
  });

  it('an unknown key_id is "key_id not found"; credentials are required', async () => {
    const client = await newClient();
    expectError(await api(client, '/webhook_verification_key/get', { key_id: crypto.randomUUID() }), 400, 'INVALID_REQUEST', 'INVALID_FIELD', /^key_id not found$/);
    expectError(await api(client, '/webhook_verification_key/get', {}), 400, 'INVALID_REQUEST', 'MISSING_FIELDS', /key_id/);
    expectError(await post('/webhook_verification_key/get', { key_id: 'x' }), 400, 'INVALID_REQUEST', 'MISSING_FIELDS');
  });

  it('private keys are stored only sealed, under their own key and not the identity data’s', async () => {
    const { client, receiver } = await memberWithReceiver();
    await consume('beacon-webhooks', [{ eventId: await recordEvent(client.client_id) }]);
    const kid = await kidOfLastDelivery(receiver);
    const row = await env.CONTROL_DB.prepare('SELECT * FROM webhook_keys WHERE kid = ?').bind(kid).first<Record<string, string>>();
    expect(row!.private_jwk).toMatch(/^t1\.[A-Za-z0-9_-]+$/); // key id, then base64url of iv ‖ ciphertext
    expect(row!.private_jwk).not.toContain('"d"');
    expect(JSON.parse(row!.public_jwk!)).not.toHaveProperty('d');
    const secrets = await loadSecrets(env);
    const context = `webhook-key:${kid}`;
    expect(await openJson(secrets.webhookSealingKey, row!.private_jwk!, context)).toHaveProperty('d');
    await expect(openJson(secrets.piiKey, row!.private_jwk!, context)).rejects.toThrow();
  });

  it('rotation: new webhooks are signed with the new key, and the old one keeps verifying', async () => {
    const { client, receiver } = await memberWithReceiver();
    await consume('beacon-webhooks', [{ eventId: await recordEvent(client.client_id) }]);
    const before = await kidOfLastDelivery(receiver);

    expectError(await post('/admin/webhook_key/rotate', {}), 401, 'INVALID_INPUT', 'INVALID_API_KEYS');
    const rotated = await admin('/admin/webhook_key/rotate', {});
    expect(rotated.status, JSON.stringify(rotated.body)).toBe(200);
    expect(rotated.body).toEqual({ key_id: expect.any(String), request_id: expect.any(String) });
    expect(rotated.body.key_id).not.toBe(before);

    await consume('beacon-webhooks', [{ eventId: await recordEvent(client.client_id) }]);
    const after = await kidOfLastDelivery(receiver);
    expect(after).toBe(rotated.body.key_id);

    // Both webhooks verify, each with the key its kid names; the rotated-out key is not
    // reported expired while it still verifies (Plaid's recipe rejects expired keys).
    const received = await receiver.received();
    for (const delivery of received) {
      const jwt = delivery.headers['plaid-verification']!;
      const { body } = await api(client, '/webhook_verification_key/get', { key_id: decodeProtectedHeader(jwt).kid! });
      expect(body.key.expired_at).toBeNull();
      await jwtVerify(jwt, await importJWK(body.key, 'ES256'));
    }
    // A webhook is never verified by the other key.
    const { body: newKey } = await api(client, '/webhook_verification_key/get', { key_id: after });
    await expect(jwtVerify(received[0]!.headers['plaid-verification']!, await importJWK(newKey.key, 'ES256'))).rejects.toThrow();
  });

  it('a rotated-out key expires after the overlap of 24 h + 5 min; then expired_at says when', async () => {
    const db = new Storage(env).control;
    const secrets = await productionSecrets();
    const first = await currentSigningKey(db, secrets);
    const { kid, previous } = await rotateSigningKey(db, secrets);
    expect(previous).toBe(first.kid);
    expect((await currentSigningKey(db, secrets)).kid).toBe(kid);

    const row = await env.CONTROL_DB.prepare('SELECT created_at, expires_at FROM webhook_keys WHERE kid = ?').bind(first.kid).first<{ expires_at: number }>();
    const { created_at: rotatedAt } = (await env.CONTROL_DB.prepare('SELECT created_at FROM webhook_keys WHERE kid = ?').bind(kid).first<{ created_at: number }>())!;
    expect(row!.expires_at).toBe(rotatedAt + ROTATION_OVERLAP_SECONDS);
    expect(ROTATION_OVERLAP_SECONDS).toBe(24 * 3600 + 300);
    expect((await getVerificationKey(db, secrets, first.kid)).expired_at).toBeNull();

    // The overlap ends (moved into the past rather than waited for).
    const ended = Math.floor(Date.now() / 1000) - 10;
    await env.CONTROL_DB.prepare('UPDATE webhook_keys SET expires_at = ? WHERE kid = ?').bind(ended, first.kid).run();
    expect((await getVerificationKey(db, secrets, first.kid)).expired_at).toBe(ended);
    expect((await getVerificationKey(db, secrets, kid)).expired_at).toBeNull();
    // Keys are per environment: a production kid is unknown to this (sandbox) deployment.
    const client = await newClient();
    expectError(await api(client, '/webhook_verification_key/get', { key_id: kid }), 400, 'INVALID_REQUEST', 'INVALID_FIELD', /key_id not found/);
  });

  it('created once under concurrent first use', async () => {
    const db = new Storage(env).control;
    const secrets = await productionSecrets();
    await env.CONTROL_DB.prepare("DELETE FROM webhook_keys WHERE environment = 'production'").run();
    const keys = await Promise.all(Array.from({ length: 8 }, () => currentSigningKey(db, secrets)));
    expect(new Set(keys.map((k) => k.kid)).size).toBe(1);
    const { n } = (await env.CONTROL_DB.prepare("SELECT COUNT(*) AS n FROM webhook_keys WHERE environment = 'production'").first<{ n: number }>())!;
    expect(n).toBe(1);
    // And it signs what the public key verifies.
    const jwt = await signBody(keys[0]!, '{}');
    const jwk = await getVerificationKey(db, secrets, keys[0]!.kid);
    await jwtVerify(jwt, await importJWK(jwk, 'ES256'));
  });
});
