/** Delivering a batch of queued events: claim, sign, POST, record, and decide for each
 * message whether it is done (ack) or tried again later (retry with a delay). Per shard the
 * batch's events live in, two D1 round trips whatever its size — the claim with the reads,
 * and the outcomes — and one read of the clients' webhook URLs for the whole batch. */
import { inArray } from 'drizzle-orm';
import type { BatchItem } from 'drizzle-orm/batch';
import { control, type ShardDb, type Storage } from '../../db';
import type { Secrets } from '../../secrets';
import { validateWebhookUrl } from './url';
import { claimEvents, recordDelivered, recordFailure, recordSkipped, type Claim, type ClaimedEvent } from './deliveries';
import { currentSigningKey, type SigningKey } from './keys';
import { ATTEMPT_HEADER, EVENT_ID_HEADER, serialiseBody, signBody, webhookBody } from './message';
import { isLastAttempt, nextDelay, scheduledDelay, type RetryPolicy } from './schedule';
import { sendAttempt, type AttemptOutcome } from './send';

/** A queue message as the domain sees it: `attempts` is Queues' count for this message
 * (1 on its first delivery), which drives the schedule. */
export interface DeliveryMessage {
  eventId: string;
  /** The user shard the event lives in. */
  shard: number;
  attempts: number;
  /** The hand-over that sent the message, if it says. */
  handover?: string | undefined;
}

/** `retry` without a delay after the last attempt sends the message to the dead-letter queue. */
export type Decision = { action: 'ack' } | { action: 'retry'; delaySeconds?: number };

interface Context {
  db: ShardDb;
  key: SigningKey;
  policy: RetryPolicy;
  token: string;
  secrets: Secrets;
  destinations: Map<string, Destination>;
}

/** What one claimed message led to: its decision, and the write that records it. */
interface Result {
  decision: Decision;
  write: BatchItem<'sqlite'>;
}

export async function deliverBatch(storage: Storage, secrets: Secrets, policy: RetryPolicy, messages: DeliveryMessage[]): Promise<Decision[]> {
  const token = crypto.randomUUID();
  const shards = [...new Set(messages.map((m) => m.shard))];
  const [claimsByShard, key] = await Promise.all([
    Promise.all(shards.map(async (shard) => [shard, await claimEvents(storage.userShard(shard), idsIn(messages, shard), token)] as const)),
    currentSigningKey(storage.control, secrets),
  ]);
  const claims = new Map(claimsByShard);
  const destinations = await destinationsOf(storage, [...claims.values()]);

  const decisions: Decision[] = new Array(messages.length);
  await Promise.all(
    shards.map(async (shard) => {
      const ctx: Context = { db: storage.userShard(shard), key, policy, token, secrets, destinations };
      const indexes = messages.flatMap((m, i) => (m.shard === shard ? [i] : []));
      const shardDecisions = await deliverInShard(
        ctx,
        claims.get(shard)!,
        indexes.map((i) => messages[i]!),
      );
      indexes.forEach((i, j) => (decisions[i] = shardDecisions[j]!));
    }),
  );
  return decisions;
}

const idsIn = (messages: DeliveryMessage[], shard: number) => [...new Set(messages.filter((m) => m.shard === shard).map((m) => m.eventId))];

/** Where each client with a claimed event receives webhooks, as it is now: its URL, or
 * nothing (no URL set, or the client disabled — a disabled client gets no deliveries). */
async function destinationsOf(storage: Storage, claims: Map<string, Claim>[]): Promise<Map<string, Destination>> {
  const clientIds = [...new Set(claims.flatMap((c) => [...c.values()].flatMap((claim) => (claim.kind === 'claimed' ? [claim.claimed.clientId] : []))))];
  if (!clientIds.length) return new Map();
  const rows = await storage.control
    .select({ id: control.clients.id, webhookUrl: control.clients.webhookUrl, disabled: control.clients.disabled })
    .from(control.clients)
    .where(inArray(control.clients.id, clientIds))
    .all();
  return new Map(rows.map((r): [string, Destination] => [r.id, r.disabled ? { skip: 'client_disabled' } : r.webhookUrl ? { url: r.webhookUrl } : { skip: 'no_webhook_url' }]));
}

type Destination = { url: string } | { skip: 'no_webhook_url' | 'client_disabled' };

async function deliverInShard(ctx: Context, claims: Map<string, Claim>, messages: DeliveryMessage[]): Promise<Decision[]> {
  const seen = new Set<string>();
  const results = await Promise.all(
    messages.map(async (message): Promise<Decision | Result> => {
      const claim = claims.get(message.eventId);
      // A second message for the same event in this batch: the first one carries it.
      if (seen.has(message.eventId)) return { action: 'ack' };
      seen.add(message.eventId);
      if (!claim || claim.kind === 'settled') return { action: 'ack' };
      // Another consumer is sending it and records the outcome. Waiting is only possible with
      // attempts left: retrying the last one would dead-letter an event that is being sent.
      if (claim.kind === 'busy') return isLastAttempt(message.attempts) ? { action: 'ack' } : { action: 'retry', delaySeconds: claim.retryInSeconds };
      return deliverOne(ctx, claim.claimed, message);
    }),
  );

  const writes = results.flatMap((r) => ('write' in r ? [r.write] : []));
  const [first, ...rest] = writes;
  try {
    if (first) await ctx.db.batch([first, ...rest]);
  } catch (error) {
    // The outcomes could not be recorded: try again on the schedule (a delivered event may
    // then be sent once more — at least once — with the same Beacon-Event-Id). The claims
    // lapse by themselves.
    console.error('webhook outcomes could not be recorded', error);
    return messages.map((m, i) => {
      const r = results[i]!;
      if (!('write' in r)) return r;
      return isLastAttempt(m.attempts) ? { action: 'retry' } : { action: 'retry', delaySeconds: scheduledDelay(ctx.policy, m.attempts) };
    });
  }
  return results.map((r) => ('write' in r ? r.decision : r));
}

async function deliverOne(ctx: Context, claimed: ClaimedEvent, message: DeliveryMessage): Promise<Result> {
  const attempt = message.attempts;
  const destination = ctx.destinations.get(claimed.clientId) ?? { skip: 'no_webhook_url' };
  if ('skip' in destination) return { decision: { action: 'ack' }, write: recordSkipped(ctx.db, claimed.id, ctx.token, destination.skip) };
  const outcome = await attemptDelivery(ctx, claimed, destination.url, attempt);
  if (outcome.ok) return { decision: { action: 'ack' }, write: recordDelivered(ctx.db, claimed.id, ctx.token, outcome.status) };
  const failed = { status: outcome.status, failure: outcome.failure };
  if (!isLastAttempt(attempt)) {
    const delay = nextDelay(ctx.policy, attempt, outcome.retryAfterSeconds);
    return { decision: { action: 'retry', delaySeconds: delay }, write: recordFailure(ctx.db, claimed.id, ctx.token, { ...failed, retryInSeconds: delay, dead: false }) };
  }
  // The last attempt of the hand-over that carries the event ends the delivery (and its
  // message goes to the dead-letter queue); that of an earlier one leaves it to the later.
  const current = message.handover === undefined || message.handover === claimed.handover;
  return {
    decision: current ? { action: 'retry' } : { action: 'ack' },
    write: recordFailure(ctx.db, claimed.id, ctx.token, { ...failed, retryInSeconds: null, dead: current }),
  };
}

async function attemptDelivery(ctx: Context, claimed: ClaimedEvent, storedUrl: string, attempt: number): Promise<AttemptOutcome> {
  let url: string;
  try {
    // The rules are checked again when sending: a URL stored before they changed, or
    // written to the database directly, is not used if they refuse it now.
    url = validateWebhookUrl(storedUrl, ctx.secrets);
  } catch (error) {
    console.error(`webhook ${claimed.id}: the stored URL is not allowed: ${(error as Error).message}`);
    return { ok: false, status: null, failure: 'url_not_allowed', retryAfterSeconds: null };
  }
  try {
    const body = serialiseBody(webhookBody(claimed.event, ctx.secrets.environment));
    return await sendAttempt({
      url,
      body,
      headers: {
        'Plaid-Verification': await signBody(ctx.key, body),
        [EVENT_ID_HEADER]: claimed.id,
        [ATTEMPT_HEADER]: String(attempt),
      },
    });
  } catch (error) {
    // Signing failed (sendAttempt itself does not throw): a failed attempt like any other.
    console.error(`webhook ${claimed.id}: could not sign`, error);
    return { ok: false, status: null, failure: 'signing_failed', retryAfterSeconds: null };
  }
}
