import { env } from 'cloudflare:test';
import { decodeProtectedHeader, importJWK, jwtVerify } from 'jose';
import { describe, expect, it, vi } from 'vitest';
import { DELIVERY_FAILURE_MESSAGES, type DeliveryFailure } from '../../src/domain/webhooks/failures';
import { sha256Hex } from '../../src/domain/webhooks/message';
import { MAX_RETRIES, schedule } from '../../src/domain/webhooks/schedule';
import { api, dashboard, newBeaconUser, newClient, newProgram, stranger, type Credentials } from './support/api';
import { expectSpecShape } from './support/spec';
import type { ScriptedAnswer } from './support/webhook-receivers';
import { adminUpdateUrl, consume, deliveryOf, memberWithReceiver, newReceiver, recordEvent } from './support/webhooks';
import { writeInUserShards } from './support/storage';

/** Verifies a delivery the way Plaid tells its customers to, and returns the JWT's payload. */
async function verifyLikePlaid(client: Credentials, delivery: { headers: Record<string, string>; body: string }) {
  const jwt = delivery.headers['plaid-verification']!;
  const header = decodeProtectedHeader(jwt);
  expect(header).toEqual({ alg: 'ES256', kid: expect.any(String), typ: 'JWT' });
  const { status, body } = await api(client, '/webhook_verification_key/get', { key_id: header.kid });
  expect(status, JSON.stringify(body)).toBe(200);
  expectSpecShape('WebhookVerificationKeyGetResponse', body);
  expect(body.key.expired_at).toBeNull();
  const { payload } = await jwtVerify(jwt, await importJWK(body.key, 'ES256'), { algorithms: ['ES256'], maxTokenAge: '5 min' });
  expect(payload.request_body_sha256).toBe(await sha256Hex(delivery.body));
  return payload;
}

const failingReceiver = async (status = 500) => {
  const member = await memberWithReceiver();
  await member.receiver.answer({ status });
  return member;
};

describe('webhook delivery', () => {
  it('a change’s event reaches the member’s URL through the real queue, in Plaid’s exact shape, signed', async () => {
    const { client, receiver } = await memberWithReceiver();
    const user = await newBeaconUser(client, await newProgram(client), stranger());
    const reviewed = await api(client, '/beacon/user/review', { beacon_user_id: user.id, status: 'pending_review' });
    expect(reviewed.status).toBe(200);

    await vi.waitFor(async () => expect(await receiver.received()).toHaveLength(1), { timeout: 10_000, interval: 100 });
    const [delivery] = await receiver.received();
    const body = { webhook_type: 'BEACON', webhook_code: 'USER_STATUS_UPDATED', beacon_user_id: user.id, environment: 'sandbox' };
    expect(delivery!.body).toBe(JSON.stringify(body, null, 2));
    expectSpecShape('BeaconUserStatusUpdatedWebhook', JSON.parse(delivery!.body));
    expect(delivery!.headers['content-type']).toBe('application/json');
    expect(delivery!.headers['beacon-event-id']).toMatch(/^evt_[0-9A-Za-z]{14}$/);
    expect(delivery!.headers['beacon-delivery-attempt']).toBe('1');
    const claims = await verifyLikePlaid(client, delivery!);
    expect(Math.abs((claims.iat as number) - Date.now() / 1000)).toBeLessThan(60);
    expect(Object.keys(claims).sort()).toEqual(['iat', 'request_body_sha256']);

    await vi.waitFor(async () => expect((await deliveryOf(client, delivery!.headers['beacon-event-id']!))?.status).toBe('delivered'));
    expect(await deliveryOf(client, delivery!.headers['beacon-event-id']!)).toMatchObject({
      event: { id: delivery!.headers['beacon-event-id'], webhook_code: 'USER_STATUS_UPDATED', payload: body },
      attempts: 1,
      last_http_status: 200,
      last_error: null,
      last_error_message: null,
      next_attempt_at: null,
      delivered_at: expect.stringMatching(/Z$/),
    });
  });

  it('succeeds on any 2xx', async () => {
    for (const status of [200, 201, 202, 204, 299]) {
      const { client, receiver } = await memberWithReceiver();
      await receiver.answer({ status });
      const result = await consume('beacon-webhooks', [{ eventId: await recordEvent(client.client_id) }]);
      expect(result.explicitAcks, `HTTP ${status}`).toEqual(['msg-0']);
    }
  });

  it('retries on Plaid’s schedule: 30 s, then ×4 each time, the 12 h Queues maximum capping the last', async () => {
    const { client, receiver } = await failingReceiver(503);
    const eventId = await recordEvent(client.client_id);
    const delays: (number | undefined)[] = [];
    for (let attempt = 1; attempt <= MAX_RETRIES; attempt++) {
      const before = Date.now();
      const result = await consume('beacon-webhooks', [{ eventId, attempts: attempt }]);
      expect(result.explicitAcks).toEqual([]);
      expect(result.retryMessages).toHaveLength(1);
      const delay = result.retryMessages[0]!.delaySeconds;
      delays.push(delay);
      const logged = await deliveryOf(client, eventId);
      expect(logged).toMatchObject({
        status: 'pending',
        attempts: attempt,
        last_http_status: 503,
        last_error: 'http_status',
        last_error_message: DELIVERY_FAILURE_MESSAGES.http_status,
      });
      // next_attempt_at is the moment of the retry (to the second).
      const next = Date.parse(logged.next_attempt_at);
      expect(next).toBeGreaterThanOrEqual(Math.floor(before / 1000) * 1000 + delay! * 1000 - 1000);
      expect(next).toBeLessThanOrEqual(Date.now() + delay! * 1000 + 1000);
    }
    expect(delays).toEqual([30, 120, 480, 1920, 7680, 30720, 43200]);
    expect((await receiver.received()).map((r) => r.headers['beacon-delivery-attempt'])).toEqual(['1', '2', '3', '4', '5', '6', '7']);
    // Every attempt carries the same event identity.
    expect(new Set((await receiver.received()).map((r) => r.headers['beacon-event-id']))).toEqual(new Set([eventId]));
  });

  it('the schedule spans 8 attempts over 23 h 22 min 30 s; one more would pass 24 h', () => {
    const table = schedule({ baseDelaySeconds: 30 });
    expect(table.map((row) => row.at)).toEqual([0, 30, 150, 630, 2550, 10230, 40950, 84150]);
    expect(table.at(-1)).toEqual({ attempt: 8, at: 84150, delayAfter: null });
    expect(84150 + 43200).toBeGreaterThan(24 * 3600);
  });

  it('after the last attempt the delivery is dead and the message goes to the dead-letter queue', async () => {
    const { client, receiver } = await failingReceiver(500);
    const eventId = await recordEvent(client.client_id);
    const last = await consume('beacon-webhooks', [{ eventId, attempts: MAX_RETRIES + 1 }]);
    // A retry without a delay: Queues has no retries left and moves the message to the DLQ.
    expect(last.retryMessages).toEqual([{ msgId: 'msg-0' }]);
    const dead = { status: 'dead', attempts: 1, next_attempt_at: null, given_up_at: expect.stringMatching(/Z$/), last_http_status: 500 };
    expect(await deliveryOf(client, eventId)).toMatchObject(dead);

    expect((await consume('beacon-webhooks-dead', [{ eventId }])).explicitAcks).toEqual(['msg-0']);
    expect(await deliveryOf(client, eventId)).toMatchObject(dead);
    // Idempotent: a redelivered dead letter changes nothing; a stale message sends nothing.
    await consume('beacon-webhooks-dead', [{ eventId }]);
    expect((await consume('beacon-webhooks', [{ eventId }])).explicitAcks).toEqual(['msg-0']);
    expect(await receiver.received()).toHaveLength(1);
    expect((await deliveryOf(client, eventId)).status).toBe('dead');
  });

  it('a dead letter for a delivery that succeeded meanwhile leaves it delivered', async () => {
    const { client } = await memberWithReceiver();
    const eventId = await recordEvent(client.client_id);
    await consume('beacon-webhooks', [{ eventId }]);
    await consume('beacon-webhooks-dead', [{ eventId }]);
    expect((await deliveryOf(client, eventId)).status).toBe('delivered');
  });

  it('honours a 429’s Retry-After when it asks for longer than the schedule, up to 12 h', async () => {
    const cases: [Record<string, string>, number, number][] = [
      [{ 'retry-after': '3600' }, 1, 3600],
      [{ 'retry-after': '5' }, 1, 30], // shorter than the schedule: the schedule stands
      [{ 'retry-after': '5' }, 3, 480],
      [{ 'retry-after': '999999' }, 1, 43200], // capped at the Queues maximum
      [{ 'retry-after': new Date(Date.now() + 7200_000).toUTCString() }, 2, 7200], // an HTTP date
      [{ 'retry-after': 'soon' }, 2, 120], // malformed: the schedule
      [{}, 1, 30], // no Retry-After
    ];
    for (const [headers, attempt, expected] of cases) {
      const { client, receiver } = await memberWithReceiver();
      await receiver.answer({ status: 429, headers });
      const result = await consume('beacon-webhooks', [{ eventId: await recordEvent(client.client_id), attempts: attempt }]);
      const delay = result.retryMessages[0]?.delaySeconds;
      // An HTTP date is whole seconds from now: allow the second it takes to get here.
      expect(delay! >= expected - 2 && delay! <= expected, `${JSON.stringify(headers)} at attempt ${attempt}: ${delay}`).toBe(true);
    }
  });

  it('a 3xx is a failure: redirects are not followed', async () => {
    const { client, receiver } = await memberWithReceiver();
    await receiver.answer({ status: 302, headers: { location: 'http://169.254.169.254/' } });
    const eventId = await recordEvent(client.client_id);
    const result = await consume('beacon-webhooks', [{ eventId }]);
    expect(result.retryMessages).toEqual([{ msgId: 'msg-0', delaySeconds: 30 }]);
    expect((await deliveryOf(client, eventId)).last_error).toBe('redirect');
  });

  it('no answer within 10 s is a failure', { timeout: 30_000 }, async () => {
    const { client, receiver } = await memberWithReceiver();
    await receiver.answer({ status: 200, delayMs: 12_000 });
    const eventId = await recordEvent(client.client_id);
    const result = await consume('beacon-webhooks', [{ eventId }]);
    expect(result.retryMessages).toEqual([{ msgId: 'msg-0', delaySeconds: 30 }]);
    expect(await deliveryOf(client, eventId)).toMatchObject({ status: 'pending', last_http_status: null, last_error: 'timeout', last_error_message: 'no answer within 10 s' });
  });

  it('records why an attempt failed as a category, never the receiver’s or the runtime’s words', async () => {
    const cases: [answer: ScriptedAnswer, status: number | null, failure: DeliveryFailure][] = [
      [{ status: 500 }, 500, 'http_status'],
      [{ status: 404 }, 404, 'http_status'],
      [{ status: 429 }, 429, 'http_status'],
      [{ status: 307, headers: { location: 'https://receivers.example.com/elsewhere' } }, 307, 'redirect'],
      // Cloudflare's own answers when it cannot connect to an origin.
      [{ status: 521 }, 521, 'connection_refused'],
      [{ status: 523 }, 523, 'unreachable'],
      [{ status: 522 }, 522, 'timeout'],
      [{ status: 525 }, 525, 'tls'],
      // The connection fails ("Network connection lost." in workerd).
      [{ status: 0, dropConnection: true }, null, 'unreachable'],
    ];
    for (const [answer, status, failure] of cases) {
      const { client, receiver } = await memberWithReceiver();
      await receiver.answer(answer);
      const eventId = await recordEvent(client.client_id);
      const result = await consume('beacon-webhooks', [{ eventId }]);
      expect(result.retryMessages, failure).toEqual([{ msgId: 'msg-0', delaySeconds: 30 }]);
      const logged = await deliveryOf(client, eventId);
      expect(logged, JSON.stringify(answer)).toMatchObject({
        status: 'pending',
        attempts: 1,
        last_http_status: status,
        last_error: failure,
        last_error_message: DELIVERY_FAILURE_MESSAGES[failure],
      });
      // Neither the runtime's error nor the receiver's answer reaches the member.
      expect(JSON.stringify(logged)).not.toMatch(/connection lost|answer \d+/i);
    }
  });

  it('acks or retries each message of a batch on its own', async () => {
    const ok = await memberWithReceiver();
    const failing = await failingReceiver(500);
    const result = await consume('beacon-webhooks', [
      { eventId: await recordEvent(failing.client.client_id), attempts: 2 },
      { eventId: await recordEvent(ok.client.client_id) },
      { eventId: await recordEvent(failing.client.client_id), attempts: 4 },
    ]);
    expect(result.ackAll).toBe(false);
    expect(result.retryBatch.retry).toBe(false);
    expect(result.explicitAcks).toEqual(['msg-1']);
    expect(result.retryMessages).toEqual([
      { msgId: 'msg-0', delaySeconds: 120 },
      { msgId: 'msg-2', delaySeconds: 1920 },
    ]);
  });

  it('is idempotent: a delivered event is not sent again, and duplicates in one batch send once', async () => {
    const { client, receiver } = await memberWithReceiver();
    const eventId = await recordEvent(client.client_id);
    const first = await consume('beacon-webhooks', [{ eventId }, { eventId }]);
    expect(first.explicitAcks.sort()).toEqual(['msg-0', 'msg-1']);
    const again = await consume('beacon-webhooks', [{ eventId, attempts: 2 }]);
    expect(again.explicitAcks).toEqual(['msg-0']);
    expect(await receiver.received()).toHaveLength(1);
    expect((await deliveryOf(client, eventId)).attempts).toBe(1);
  });

  it('a message for an event another consumer is sending right now waits for it', async () => {
    const { client, receiver } = await memberWithReceiver();
    const eventId = await recordEvent(client.client_id);
    const until = new Date(Date.now() + 20_000).toISOString().replace(/\.\d{3}Z$/, 'Z');
    await writeInUserShards('UPDATE webhook_events SET claim_token = ?, claimed_until = ? WHERE id = ?', 'someone-else', until, eventId);
    const result = await consume('beacon-webhooks', [{ eventId }]);
    expect(result.retryMessages).toHaveLength(1);
    expect(result.retryMessages[0]!.delaySeconds).toBeGreaterThanOrEqual(19);
    expect(result.retryMessages[0]!.delaySeconds).toBeLessThanOrEqual(22);
    expect(await receiver.received()).toHaveLength(0);
    // A lapsed claim is taken over.
    await writeInUserShards("UPDATE webhook_events SET claimed_until = '2000-01-01T00:00:00Z' WHERE id = ?", eventId);
    expect((await consume('beacon-webhooks', [{ eventId }])).explicitAcks).toEqual(['msg-0']);
    expect(await receiver.received()).toHaveLength(1);
  });

  it('an unknown event is acknowledged and sends nothing', async () => {
    const result = await consume('beacon-webhooks', [{ eventId: 'evt_doesNotExist00' }]);
    expect(result.explicitAcks).toEqual(['msg-0']);
  });

  it('uses the URL the client has when the event is due', async () => {
    const { client, receiver } = await memberWithReceiver();
    const eventId = await recordEvent(client.client_id);
    const moved = newReceiver();
    await dashboard(client, '/dashboard/webhook/update', { url: moved.url });
    await consume('beacon-webhooks', [{ eventId }]);
    expect(await receiver.received()).toHaveLength(0);
    expect(await moved.received()).toHaveLength(1);
  });

  it('a URL the rules refuse now is not used, even if stored', async () => {
    const { client } = await memberWithReceiver();
    await env.CONTROL_DB.prepare('UPDATE clients SET webhook_url = ? WHERE id = ?').bind('http://10.0.0.1/hook', client.client_id).run();
    const eventId = await recordEvent(client.client_id);
    const result = await consume('beacon-webhooks', [{ eventId }]);
    expect(result.retryMessages).toEqual([{ msgId: 'msg-0', delaySeconds: 30 }]);
    expect(await deliveryOf(client, eventId)).toMatchObject({
      last_http_status: null,
      last_error: 'url_not_allowed',
      last_error_message: DELIVERY_FAILURE_MESSAGES.url_not_allowed,
    });
  });

  it('a client without a webhook URL: the delivery is skipped — visible, not retried, re-sendable once a URL is set', async () => {
    const client = await newClient();
    const eventId = await recordEvent(client.client_id);
    const result = await consume('beacon-webhooks', [{ eventId }]);
    expect(result.explicitAcks).toEqual(['msg-0']);
    expect(result.retryMessages).toEqual([]);
    expect(await deliveryOf(client, eventId)).toMatchObject({
      status: 'skipped',
      attempts: 0,
      last_error: 'no_webhook_url',
      last_error_message: expect.stringMatching(/no webhook URL/),
      next_attempt_at: null,
      given_up_at: expect.stringMatching(/Z$/),
    });

    const receiver = newReceiver();
    expect((await adminUpdateUrl(client, receiver.url)).status).toBe(200);
    const retried = await dashboard(client, '/dashboard/webhook/delivery/retry', { delivery_id: eventId });
    expect(retried.status, JSON.stringify(retried.body)).toBe(200);
    await vi.waitFor(async () => expect(await receiver.received()).toHaveLength(1), { timeout: 10_000, interval: 100 });
    await vi.waitFor(async () => expect((await deliveryOf(client, eventId)).status).toBe('delivered'));
  });

  it('the signature covers the exact body: one changed byte fails verification', async () => {
    const { client, receiver } = await memberWithReceiver();
    const user = await newBeaconUser(client, await newProgram(client), stranger());
    await consume('beacon-webhooks', [{ eventId: await recordEvent(client.client_id, { webhook_code: 'USER_STATUS_UPDATED', beacon_user_id: user.id }) }]);
    const [delivery] = await receiver.received();
    await verifyLikePlaid(client, delivery!);
    await expect(verifyLikePlaid(client, { ...delivery!, body: delivery!.body.replace('sandbox', 'production') })).rejects.toThrow();
  });
});
