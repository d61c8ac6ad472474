import { createExecutionContext, createScheduledController, env, waitOnExecutionContext } from 'cloudflare:test';
import { describe, expect, it, vi } from 'vitest';
import worker from '../../src';
import { Storage, userShard } from '../../src/db';
import { Changeset } from '../../src/domain/changeset';
import type { Env } from '../../src/env';
import { nowTimestamp } from '../../src/lib/time';
import type { WebhookMessage } from '../../src/queues/messages';
import { handOverEvents } from '../../src/queues/outbox';
import { api, newBeaconUser, newClient, newProgram, stranger } from './support/api';
import { inUserShards, writeInUserShards } from './support/storage';
import { deliveryOf, homeShardOf, memberWithReceiver } from './support/webhooks';

const eventRow = async (id: string) =>
  (await inUserShards<{ id: string; enqueued_at: string | null; delivery_status: string }>('SELECT id, enqueued_at, delivery_status FROM webhook_events WHERE id = ?', id))[0] ??
  null;

/** The Worker's env with a webhook queue whose sends fail, as during a Queues outage. */
function envWithBrokenQueue(): Env {
  return {
    ...env,
    WEBHOOK_QUEUE: {
      send: () => Promise.reject(new Error('Queue send failed (simulated outage)')),
      sendBatch: () => Promise.reject(new Error('Queue sendBatch failed (simulated outage)')),
    } as unknown as Queue<WebhookMessage>,
  };
}

/** The Worker's env with the real webhook queue, recording what is sent to it. */
function envRecordingSends(sent: string[]): Env {
  const queue = env.WEBHOOK_QUEUE;
  return {
    ...env,
    WEBHOOK_QUEUE: {
      send: (body: WebhookMessage, options?: QueueSendOptions) => {
        sent.push(body.eventId);
        return queue.send(body, options);
      },
      sendBatch: (messages: Iterable<MessageSendRequest<WebhookMessage>>, options?: QueueSendBatchOptions) => {
        for (const m of messages) sent.push(m.body.eventId);
        return queue.sendBatch(messages, options);
      },
    } as unknown as Queue<WebhookMessage>,
  };
}

describe('the webhook outbox', () => {
  it('a failed write leaves no event: the event stands or falls with its change', async () => {
    const client = await newClient();
    const db = new Storage(env).userShard(await homeShardOf(client.client_id));
    const now = nowTimestamp();
    const user = { id: `usr_${crypto.randomUUID()}`, clientId: client.client_id, clientUserId: 'atomic', tokenDigest: crypto.randomUUID(), createdAt: now, updatedAt: now };
    const changes = new Changeset(db, now)
      .event(client.client_id, { webhook_code: 'USER_STATUS_UPDATED', beacon_user_id: 'becusr_AtomicAtomic01' })
      // The change's own write fails (a duplicate id), after the event in the batch.
      .add(db.insert(userShard.users).values(user), db.insert(userShard.users).values(user));
    await expect(changes.write()).rejects.toThrow();
    expect(await eventRow(changes.eventIds[0]!)).toBeNull();
  });

  it('a refused request writes no event', async () => {
    const client = await newClient();
    const user = await newBeaconUser(client, await newProgram(client), stranger());
    const count = async () =>
      (await inUserShards<{ n: number }>('SELECT COUNT(*) AS n FROM webhook_events WHERE client_id = ?', client.client_id)).reduce((sum, r) => sum + r.n, 0);
    const before = await count();
    // `rejected` needs a report or a confirmed syndication: refused, nothing written.
    const refused = await api(client, '/beacon/user/review', { beacon_user_id: user.id, status: 'rejected' });
    expect(refused.status).toBe(400);
    expect(await count()).toBe(before);
  });

  it('an event whose queue send failed is handed over by the sweep (cron), then delivered', async () => {
    const { client, receiver } = await memberWithReceiver();
    const shard = await homeShardOf(client.client_id);
    const storage = new Storage(env);
    const changes = new Changeset(storage.userShard(shard), nowTimestamp()).event(client.client_id, {
      webhook_code: 'USER_STATUS_UPDATED',
      beacon_user_id: 'becusr_SweptSwept0001',
    });
    await changes.write();
    const eventId = changes.eventIds[0]!;

    // The write path's hand-over fails: the row stays, not handed over, and visible as pending.
    await handOverEvents(envWithBrokenQueue(), storage, shard, [eventId]);
    expect(await eventRow(eventId)).toMatchObject({ enqueued_at: null, delivery_status: 'pending' });
    expect((await deliveryOf(client, eventId))?.status).toBe('pending');

    // A young row is left to the write path; once past the sweep's grace it is the sweep's.
    const sent: string[] = [];
    const sweep = async () => {
      const ctx = createExecutionContext();
      await worker.scheduled!(createScheduledController({ cron: '* * * * *' }), envRecordingSends(sent), ctx);
      await waitOnExecutionContext(ctx);
    };
    await sweep();
    expect(sent).not.toContain(eventId);
    await writeInUserShards("UPDATE webhook_events SET created_at = '2000-01-01T00:00:00Z' WHERE id = ?", eventId);
    await sweep();
    expect(sent).toContain(eventId);
    expect((await eventRow(eventId))!.enqueued_at).toMatch(/Z$/);

    // The real queue hands it to the real consumer, which delivers it.
    await vi.waitFor(async () => expect(await receiver.received()).toHaveLength(1), { timeout: 10_000, interval: 100 });
    expect((await receiver.received())[0]!.headers['beacon-event-id']).toBe(eventId);
    await vi.waitFor(async () => expect((await deliveryOf(client, eventId))?.status).toBe('delivered'));

    // Handed over once: a later sweep does not send it again.
    sent.length = 0;
    await sweep();
    expect(sent).not.toContain(eventId);
  });
});

describe('the sweep’s reconciliation', () => {
  it('hands over again an event whose queue message was lost, and leaves live ones alone', async () => {
    const client = await newClient();
    const home = (env as unknown as Record<string, D1Database>)[`USER_SHARD_${await homeShardOf(client.client_id)}`]!;
    const hoursAgo = (h: number) => new Date(Date.now() - h * 3_600_000).toISOString();
    const insert = (id: string, columns: Record<string, string | number | null>) => {
      const names = Object.keys(columns);
      return home
        .prepare(
          `INSERT INTO webhook_events (id, client_id, webhook_code, payload, created_at, ${names.join(', ')}) VALUES (?, ?, 'USER_STATUS_UPDATED', ?, ?, ${names.map(() => '?').join(', ')})`,
        )
        .bind(id, client.client_id, JSON.stringify({ webhook_code: 'USER_STATUS_UPDATED', beacon_user_id: 'becusr_Reconcile00001' }), hoursAgo(5), ...Object.values(columns))
        .run();
    };
    // Handed over 3 h ago and never heard of since: lost.
    await insert('evt_LostMessage000001', { enqueued_at: hoursAgo(3) });
    // Failed 3 h ago with its next attempt due 2.5 h ago: lost too.
    await insert('evt_LostRetry0000001', { enqueued_at: hoursAgo(4), last_attempt_at: hoursAgo(3), next_attempt_at: hoursAgo(2.5), delivery_attempts: 2 });
    // Waiting for an 8 h retry: alive.
    await insert('evt_LongRetry0000001', {
      enqueued_at: hoursAgo(4),
      last_attempt_at: hoursAgo(3),
      next_attempt_at: new Date(Date.now() + 5 * 3_600_000).toISOString(),
      delivery_attempts: 5,
    });
    // Delivered long ago: settled.
    await insert('evt_Delivered0000001', { enqueued_at: hoursAgo(4), delivery_status: 'delivered', delivered_at: hoursAgo(4) });

    const sent: string[] = [];
    const ctx = createExecutionContext();
    await worker.scheduled(createScheduledController(), envRecordingSends(sent), ctx);
    await waitOnExecutionContext(ctx);
    expect(sent).toEqual(expect.arrayContaining(['evt_LostMessage000001', 'evt_LostRetry0000001']));
    expect(sent).not.toContain('evt_LongRetry0000001');
    expect(sent).not.toContain('evt_Delivered0000001');
    // The client has no webhook URL: the re-sent messages are consumed and settle as skipped.
    await vi.waitFor(async () => expect((await eventRow('evt_LostMessage000001'))!.delivery_status).toBe('skipped'), { timeout: 10_000 });
  });
});
