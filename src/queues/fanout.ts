import { database } from '../db';
import { fanOutReport, recordFanoutDeadLetters } from '../domain/reports/fanout';
import type { FanoutMessage } from '../domain/outbox';
import type { Env } from '../env';

/** Fan-out consumer: each message is one page of one report's fan-out, acked when done and
 * retried (with a growing delay) when it fails; after the queue's last retry it goes to the
 * dead-letter queue. Redelivery is harmless: a report reaches each user once. */
export async function handleFanoutBatch(batch: MessageBatch<FanoutMessage>, env: Env): Promise<void> {
  for (const message of batch.messages) {
    try {
      await fanOutReport(env, message.body);
      message.ack();
    } catch (error) {
      console.error(`fan-out of ${message.body.reportId} failed (attempt ${message.attempts})`, error);
      message.retry({ delaySeconds: Math.min(10 * 2 ** message.attempts, 600) });
    }
  }
}

/** Fan-out dead letters: recorded for the operator, then acked; retried if D1 fails. */
export async function handleFanoutDeadLetters(batch: MessageBatch<FanoutMessage>, env: Env): Promise<void> {
  try {
    await recordFanoutDeadLetters(database(env.DB), batch.messages.map((m) => m.body));
    batch.ackAll();
  } catch (error) {
    console.error('fan-out dead letters could not be recorded', error);
    batch.retryAll({ delaySeconds: 60 });
  }
}
