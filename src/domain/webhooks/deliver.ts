/** Delivering a batch of queued events: claim, sign, POST, record, and decide for each
 * message whether it is done (ack) or tried again later (retry with a delay). Two D1 round
 * trips per batch whatever its size: the claim (with the reads), and the outcomes. */
import type { BatchItem } from 'drizzle-orm/batch';
import { database, type Database } from '../../db';
import type { Env } from '../../env';
import { loadSecrets, type Secrets } from '../../secrets';
import { validateWebhookUrl } from './url';
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

interface Context {
  db: Database;
  key: SigningKey;
  policy: RetryPolicy;
  token: string;
  secrets: Secrets;
}

/** What one claimed message led to: its decision, and the write that records it. */
interface Result {
  decision: Decision;
  write: BatchItem<'sqlite'>;
}

export async function deliverBatch(env: Env, messages: DeliveryMessage[]): Promise<Decision[]> {
  const secrets = await loadSecrets(env);
  const policy = retryPolicy(env);
  const db = database(env.DB);
  const token = crypto.randomUUID();
  const ids = [...new Set(messages.map((m) => m.eventId))];
  const [claims, key] = await Promise.all([claimEvents(db, ids, token), currentSigningKey(db, secrets)]);
  const ctx: Context = { db, key, policy, token, secrets };

  const seen = new Set<string>();
  const results = await Promise.all(
    messages.map(async (message): Promise<Decision | Result> => {
      const claim = claims.get(message.eventId);
      // A second message for the same event in this batch: the first one carries it.
      if (seen.has(message.eventId)) return { action: 'ack' };
      seen.add(message.eventId);
      if (!claim || claim.kind === 'settled') return { action: 'ack' };
      if (claim.kind === 'busy') return { action: 'retry', delaySeconds: claim.retryInSeconds };
      return deliverOne(ctx, claim.claimed, message.attempts);
    }),
  );

  const writes = results.flatMap((r) => ('write' in r ? [r.write] : []));
  const [first, ...rest] = writes;
  try {
    if (first) await db.batch([first, ...rest]);
  } catch (error) {
    // The outcomes could not be recorded: try again on the schedule (a delivered event may
    // then be sent once more — at least once — with the same Beacon-Event-Id). The claims
    // lapse by themselves.
    console.error('webhook outcomes could not be recorded', error);
    return messages.map((m, i) => {
      const r = results[i]!;
      if (!('write' in r)) return r;
      return isLastAttempt(m.attempts) ? { action: 'retry' } : { action: 'retry', delaySeconds: scheduledDelay(policy, m.attempts) };
    });
  }
  return results.map((r) => ('write' in r ? r.decision : r));
}

async function deliverOne(ctx: Context, claimed: ClaimedEvent, attempt: number): Promise<Result> {
  if (!claimed.webhookUrl) return { decision: { action: 'ack' }, write: recordSkipped(ctx.db, claimed.id, ctx.token) };
  const outcome = await attemptDelivery(ctx, claimed, claimed.webhookUrl, attempt);
  if (outcome.ok) return { decision: { action: 'ack' }, write: recordDelivered(ctx.db, claimed.id, ctx.token, outcome.status) };
  const delay = isLastAttempt(attempt) ? null : nextDelay(ctx.policy, attempt, outcome.retryAfterSeconds);
  return {
    decision: delay === null ? { action: 'retry' } : { action: 'retry', delaySeconds: delay },
    write: recordFailure(ctx.db, claimed.id, ctx.token, { status: outcome.status, failure: outcome.failure, retryInSeconds: delay }),
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
