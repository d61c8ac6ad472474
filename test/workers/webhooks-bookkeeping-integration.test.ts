// The delivery log stays true when queue messages race: a duplicate message, a dead letter
// and the sweep never undo what the consumer that holds an event records.
import { createExecutionContext, createScheduledController, env, waitOnExecutionContext } from 'cloudflare:test';
import { describe, expect, it, vi } from 'vitest';
import worker from '../../src';
import { MAX_RETRIES } from '../../src/domain/webhooks/schedule';
import type { Env } from '../../src/env';
import { dashboard } from './support/api';
import { inUserShards, writeInUserShards } from './support/storage';
import { consume, deliveryOf, memberWithReceiver, recordEvent } from './support/webhooks';

const LAST_ATTEMPT = MAX_RETRIES + 1;

const eventRow = async (id: string) =>
  (
    await inUserShards<{ claim_token: string | null; enqueued_at: string | null; delivery_status: string }>(
      'SELECT claim_token, enqueued_at, delivery_status FROM webhook_events WHERE id = ?',
      id,
    )
  )[0]!;

/** A consumer in the middle of sending `eventId`: its receiver answers 200 after a while. */
async function senderInFlight() {
  const { client, receiver } = await memberWithReceiver();
  await receiver.answer({ status: 200, delayMs: 1_500 });
  const eventId = await recordEvent(client.client_id);
  const holder = consume('beacon-webhooks', [{ eventId, attempts: 3 }]);
  await vi.waitFor(async () => expect((await eventRow(eventId)).claim_token).not.toBeNull(), { timeout: 5_000, interval: 20 });
  return { client, receiver, eventId, holder };
}

/** The Worker's env with every user shard unreachable, as during a D1 outage. */
function envWithUnreachableShards(): Env {
  const fail = () => Promise.reject(new Error('D1 unreachable (simulated outage)'));
  const statement = { bind: () => statement, run: fail, all: fail, first: fail, raw: fail };
  const unreachable = { prepare: () => statement, batch: fail, exec: fail };
  const shards = Object.fromEntries(
    Object.keys(env)
      .filter((k) => k.startsWith('USER_SHARD_'))
      .map((k) => [k, unreachable]),
  );
  return { ...env, ...shards } as Env;
}

describe('webhook bookkeeping under races', () => {
  it('a duplicate message seen busy on its last attempt leaves the event to the consumer that holds it', async () => {
    const { client, eventId, holder } = await senderInFlight();
    const duplicate = await consume('beacon-webhooks', [{ eventId, attempts: LAST_ATTEMPT }]);
    // Queues moves a message retried on its last attempt to the dead-letter queue.
    if (duplicate.retryMessages.length) await consume('beacon-webhooks-dead', [{ eventId }]);
    await holder;
    expect(await deliveryOf(client, eventId)).toMatchObject({ status: 'delivered', attempts: 1, given_up_at: null });
    expect(duplicate.explicitAcks).toEqual(['msg-0']);
  });

  it('a dead letter for an event another consumer is sending waits for it, and never takes its claim', async () => {
    const { client, receiver, eventId, holder } = await senderInFlight();
    const dead = await consume('beacon-webhooks-dead', [{ eventId }]);
    expect(dead.explicitAcks).toEqual([]);
    expect(dead.retryMessages).toEqual([{ msgId: 'msg-0', delaySeconds: expect.any(Number) }]);
    expect((await eventRow(eventId)).claim_token).not.toBeNull();
    await holder;
    expect((await deliveryOf(client, eventId)).status).toBe('delivered');
    // Its retry finds the delivery settled.
    expect((await consume('beacon-webhooks-dead', [{ eventId }])).explicitAcks).toEqual(['msg-0']);
    expect((await deliveryOf(client, eventId)).status).toBe('delivered');
    expect(await receiver.received()).toHaveLength(1);
  });

  it('a dead letter of an earlier hand-over does not end a delivery re-sent since', async () => {
    const { client, receiver } = await memberWithReceiver();
    await receiver.answer({ status: 500 });
    const eventId = await recordEvent(client.client_id);
    await writeInUserShards("UPDATE webhook_events SET handover_id = 'first' WHERE id = ?", eventId);
    await consume('beacon-webhooks', [{ eventId, attempts: LAST_ATTEMPT, handover: 'first' }]);
    expect((await deliveryOf(client, eventId)).status).toBe('dead');

    // An analyst re-sends it; its new schedule's first attempt fails too…
    expect((await dashboard(client, '/dashboard/webhook/delivery/retry', { delivery_id: eventId })).status).toBe(200);
    await vi.waitFor(async () => expect(await deliveryOf(client, eventId)).toMatchObject({ status: 'pending', attempts: 2, next_attempt_at: expect.any(String) }), {
      timeout: 10_000,
      interval: 100,
    });
    // …and only then does the first hand-over's message reach the dead-letter consumer.
    expect((await consume('beacon-webhooks-dead', [{ eventId, handover: 'first' }])).explicitAcks).toEqual(['msg-0']);
    expect(await deliveryOf(client, eventId)).toMatchObject({ status: 'pending', given_up_at: null });
  });

  it('the last attempt of an earlier hand-over’s message leaves the delivery to the later one', async () => {
    const { client, receiver } = await memberWithReceiver();
    await receiver.answer({ status: 500 });
    const eventId = await recordEvent(client.client_id);
    await writeInUserShards("UPDATE webhook_events SET handover_id = 'second' WHERE id = ?", eventId);
    const stale = await consume('beacon-webhooks', [{ eventId, attempts: LAST_ATTEMPT, handover: 'first' }]);
    expect(stale.explicitAcks).toEqual(['msg-0']);
    expect(await deliveryOf(client, eventId)).toMatchObject({ status: 'pending', attempts: 1, given_up_at: null });
    const current = await consume('beacon-webhooks', [{ eventId, attempts: LAST_ATTEMPT, handover: 'second' }]);
    expect(current.retryMessages).toEqual([{ msgId: 'msg-0' }]);
    expect(await deliveryOf(client, eventId)).toMatchObject({ status: 'dead', attempts: 2 });
  });

  it('a failed last attempt marks the delivery dead itself: a dead-letter consumer that never succeeds leaves nothing for the sweep to restart', async () => {
    const { client, receiver } = await memberWithReceiver();
    await receiver.answer({ status: 500 });
    const eventId = await recordEvent(client.client_id);
    const last = await consume('beacon-webhooks', [{ eventId, attempts: LAST_ATTEMPT }]);
    expect(last.retryMessages).toEqual([{ msgId: 'msg-0' }]);
    expect(await deliveryOf(client, eventId)).toMatchObject({ status: 'dead', attempts: 1, next_attempt_at: null, given_up_at: expect.stringMatching(/Z$/) });

    // The dead-letter consumer cannot record anything, through every one of its retries…
    const failed = await consume('beacon-webhooks-dead', [{ eventId, attempts: 101 }], envWithUnreachableShards());
    expect(failed.retryMessages).toHaveLength(1);
    // …and hours later the sweep looks for lost messages: the dead delivery is not one.
    await writeInUserShards("UPDATE webhook_events SET last_attempt_at = '2000-01-01T00:00:00Z', enqueued_at = '2000-01-01T00:00:00Z' WHERE id = ?", eventId);
    const ctx = createExecutionContext();
    await worker.scheduled(createScheduledController(), env, ctx);
    await waitOnExecutionContext(ctx);
    expect(await eventRow(eventId)).toMatchObject({ delivery_status: 'dead', enqueued_at: '2000-01-01T00:00:00Z' });
    expect(await receiver.received()).toHaveLength(1);
  });
});
