// Helpers shared by the webhooks-*.test.ts suites.
import { createExecutionContext, createMessageBatch, env, getQueueResult } from 'cloudflare:test';
import { expect } from 'vitest';
import worker from '../../../src';
import { Storage } from '../../../src/db';
import { Changeset } from '../../../src/domain/changeset';
import type { Env } from '../../../src/env';
import type { BeaconEvent } from '../../../src/domain/events';
import { nowTimestamp } from '../../../src/lib/time';
import type { WebhookMessage } from '../../../src/queues/messages';
import { admin, dashboard, newClient, type Credentials } from './api';
import { eachShard } from './storage';
import { RECEIVERS_HOST, type ScriptedAnswer } from './webhook-receivers';

/** A fake webhook receiver at the network edge (support/webhook-receivers.ts). */
export function newReceiver() {
  const name = crypto.randomUUID();
  return {
    url: `https://${RECEIVERS_HOST}/${name}`,
    async answer(...answers: ScriptedAnswer[]) {
      const response = await fetch(`https://${RECEIVERS_HOST}/__script/${name}`, { method: 'POST', body: JSON.stringify({ answers }) });
      expect(response.status).toBe(200);
    },
    async received(): Promise<{ headers: Record<string, string>; body: string }[]> {
      return (await fetch(`https://${RECEIVERS_HOST}/__received/${name}`)).json();
    },
  };
}

export type Receiver = ReturnType<typeof newReceiver>;

/** A member company whose webhooks go to a new fake receiver. */
export async function memberWithReceiver(): Promise<{ client: Credentials; receiver: Receiver }> {
  const client = await newClient();
  const receiver = newReceiver();
  const answer = await dashboard(client, '/dashboard/webhook/update', { url: receiver.url });
  expect(answer.status, JSON.stringify(answer.body)).toBe(200);
  return { client, receiver };
}

/** Records an event in the outbox the way a change does (Changeset), and marks it handed
 * over without sending it to the queue: the test plays the queue and drives the consumer. */
export async function recordEvent(clientId: string, event: BeaconEvent = { webhook_code: 'USER_STATUS_UPDATED', beacon_user_id: 'becusr_TestTestTest01' }): Promise<string> {
  const shard = await homeShardOf(clientId);
  const changes = new Changeset(new Storage(env).userShard(shard), nowTimestamp()).event(clientId, event);
  await changes.write();
  const id = changes.eventIds[0]!;
  await eachShard('USER_SHARD_')[shard]!.prepare('UPDATE webhook_events SET enqueued_at = created_at WHERE id = ?').bind(id).run();
  return id;
}

/** The user shard that holds a client's own rows. */
export async function homeShardOf(clientId: string): Promise<number> {
  const { status, body } = await admin('/admin/client/get', { client_id: clientId });
  expect(status).toBe(200);
  return body.home_shard;
}

/** The user shard an event was recorded in. */
export async function shardOfEvent(eventId: string): Promise<number> {
  const shards = eachShard('USER_SHARD_');
  for (const [shard, db] of shards.entries()) {
    if (await db.prepare('SELECT 1 FROM webhook_events WHERE id = ?').bind(eventId).first()) return shard;
  }
  return 0; // an unknown event: any shard answers "settled"
}

export interface QueuedMessage {
  eventId: string;
  attempts?: number;
  /** The hand-over that sent the message (WebhookMessage). */
  handover?: string;
}

/** Runs the Worker's queue handler on a batch, as Queues would, and returns what it acked and
 * retried (with which delays). */
export async function consume(queue: 'beacon-webhooks' | 'beacon-webhooks-dead', messages: QueuedMessage[], on: Env = env) {
  const bodies = await Promise.all(messages.map(async (m) => ({ eventId: m.eventId, shard: await shardOfEvent(m.eventId), ...(m.handover ? { handover: m.handover } : {}) })));
  const batch = createMessageBatch<WebhookMessage>(
    queue,
    messages.map((m, i) => ({ id: `msg-${i}`, timestamp: new Date(), attempts: m.attempts ?? 1, body: bodies[i]! })),
  );
  // getQueueResult of @cloudflare/vitest-plugin 1.5 drops the options of `retry()`, though
  // its types declare `delaySeconds`: record them on the way through.
  const delays = new Map<string, number | undefined>();
  for (const message of batch.messages) {
    const retry = message.retry.bind(message);
    Object.defineProperty(message, 'retry', {
      value: (options?: QueueRetryOptions) => {
        delays.set(message.id, options?.delaySeconds);
        retry(options);
      },
    });
  }
  const ctx = createExecutionContext();
  await worker.queue(batch as MessageBatch<never>, on);
  const result = await getQueueResult(batch, ctx);
  return {
    ...result,
    retryMessages: result.retryMessages.map(({ msgId }) => {
      const delaySeconds = delays.get(msgId);
      return delaySeconds === undefined ? { msgId } : { msgId, delaySeconds };
    }),
  };
}

/** The delivery of an event as the member's delivery log shows it. */
export async function deliveryOf(client: Credentials, eventId: string) {
  for (let cursor: string | null = null; ; ) {
    const { status, body }: { status: number; body: any } = await dashboard(client, '/dashboard/webhook/delivery/list', { cursor });
    expect(status, JSON.stringify(body)).toBe(200);
    const found = body.deliveries.find((d: { delivery_id: string }) => d.delivery_id === eventId);
    if (found) return found;
    if (!body.next_cursor) return undefined;
    cursor = body.next_cursor;
  }
}

export const adminUpdateUrl = (client: Credentials, url: string | null) => admin('/admin/client/update', { client_id: client.client_id, webhook_url: url });
