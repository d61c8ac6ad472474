/** Delivering a batch of queued events: claim, sign, POST, record, and decide for each
 * message whether it is done (ack) or tried again later (retry with a delay). */
import { database, type Database } from '../../db';
import type { Env, Environment } from '../../env';
import { loadSecrets } from '../../secrets';
import { validateWebhookUrl } from '../webhook-url';
import { claimEvents, recordDelivered, recordFailure, recordSkipped, type ClaimedEvent } from './deliveries';
import { currentSigningKey, type SigningKey } from './keys';
import { ATTEMPT_HEADER, EVENT_ID_HEADER, serialiseBody, signBody, webhookBody } from './message';
import { isLastAttempt, nextDelay, retryPolicy, scheduledDelay, type RetryPolicy } from './schedule';
import { sendAttempt, type AttemptOutcome } from './send';

/** A queue message as the domain sees it: `attempts` is Queues' count for this message
 * (1 on its first delivery), which drives the schedule. */
export interface DeliveryMessage {
  eventId: string;
  attempts: number;
}

/** `retry` without a delay after the last attempt sends the message to the dead-letter queue. */
export type Decision = { action: 'ack' } | { action: 'retry'; delaySeconds?: number };

export async function deliverBatch(env: Env, messages: DeliveryMessage[]): Promise<Decision[]> {
  const secrets = await loadSecrets(env);
  const policy = retryPolicy(env);
  const db = database(env.DB);
  const token = crypto.randomUUID();
  const ids = [...new Set(messages.map((m) => m.eventId))];
  const [claims, key] = await Promise.all([claimEvents(db, ids, token), currentSigningKey(db, secrets)]);

  const seen = new Set<string>();
  return Promise.all(
    messages.map(async (message): Promise<Decision> => {
      const claim = claims.get(message.eventId);
      // A second message for the same event in this batch: the first one carries it.
      if (seen.has(message.eventId)) return { action: 'ack' };
      seen.add(message.eventId);
      if (!claim || claim.kind === 'settled') return { action: 'ack' };
      if (claim.kind === 'busy') return { action: 'retry', delaySeconds: claim.retryInSeconds };
      try {
        return await deliverOne({ db, key, policy, token, environment: secrets.environment }, claim.claimed, message.attempts);
      } catch (error) {
        // D1 or signing failed: try again on the schedule (the claim lapses by itself).
        console.error(`webhook ${message.eventId}: delivery failed unexpectedly`, error);
        return isLastAttempt(message.attempts) ? { action: 'retry' } : { action: 'retry', delaySeconds: scheduledDelay(policy, message.attempts) };
      }
    }),
  );
}

interface Context {
  db: Database;
  key: SigningKey;
  policy: RetryPolicy;
  token: string;
  environment: Environment;
}

async function deliverOne(ctx: Context, claimed: ClaimedEvent, attempt: number): Promise<Decision> {
  if (!claimed.webhookUrl) {
    await recordSkipped(ctx.db, claimed.id, ctx.token);
    return { action: 'ack' };
  }
  const outcome = await attemptDelivery(ctx, claimed, claimed.webhookUrl, attempt);
  if (outcome.ok) {
    await recordDelivered(ctx.db, claimed.id, ctx.token, outcome.status);
    return { action: 'ack' };
  }
  const delay = isLastAttempt(attempt) ? null : nextDelay(ctx.policy, attempt, outcome.retryAfterSeconds);
  await recordFailure(ctx.db, claimed.id, ctx.token, { status: outcome.status, error: outcome.error, retryInSeconds: delay });
  return delay === null ? { action: 'retry' } : { action: 'retry', delaySeconds: delay };
}

async function attemptDelivery(ctx: Context, claimed: ClaimedEvent, storedUrl: string, attempt: number): Promise<AttemptOutcome> {
  let url: string;
  try {
    // The rules are checked again when sending: a URL stored before they changed, or
    // written to the database directly, is not used if they refuse it now.
    url = validateWebhookUrl(storedUrl, ctx.environment);
  } catch (error) {
    return { ok: false, status: null, error: `the webhook URL is not allowed: ${(error as Error).message}`, retryAfterSeconds: null };
  }
  const body = serialiseBody(webhookBody(claimed.event, ctx.environment));
  return sendAttempt({
    url,
    body,
    headers: {
      'Plaid-Verification': await signBody(ctx.key, body),
      [EVENT_ID_HEADER]: claimed.id,
      [ATTEMPT_HEADER]: String(attempt),
    },
  });
}
