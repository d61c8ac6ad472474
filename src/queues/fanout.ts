import { Storage } from '../db';
import { fanOutPage, recordFanoutDeadLetters } from '../domain/reports/fanout';
import { ProgramGateway } from '../durable/gateway';
import type { Env } from '../env';
import { loadSecrets } from '../secrets';
import type { FanoutMessage } from './messages';
import { sendFanoutPages } from './outbox';

/** Fan-out consumer: each message is one page of one report's walk of one shard, acked when
 * done — its next page sent — and retried with a growing delay when it fails; after the
 * queue's last retry it goes to the dead-letter queue. Redelivery is harmless: a report
 * reaches each user once. */
export async function handleFanoutBatch(batch: MessageBatch<FanoutMessage>, env: Env): Promise<void> {
  for (const message of batch.messages) {
    try {
      const storage = new Storage(env);
      const { next } = await fanOutPage(storage, await loadSecrets(env), new ProgramGateway(env, storage), message.body);
      if (next) await sendFanoutPages(env, [{ page: next }]);
      message.ack();
    } catch (error) {
      console.error(`fan-out of ${message.body.reportId} failed (attempt ${message.attempts})`, error);
      message.retry({ delaySeconds: Math.min(10 * 2 ** message.attempts, 600) });
    }
  }
}

/** How long the dead-letter consumer waits before trying again to record a dead page. */
const DEAD_LETTER_RETRY_SECONDS = 60;

/** Fan-out dead letters: recorded for the operator, then acked; retried if D1 fails. */
export async function handleFanoutDeadLetters(batch: MessageBatch<FanoutMessage>, env: Env): Promise<void> {
  try {
    await recordFanoutDeadLetters(
      new Storage(env),
      batch.messages.map((m) => m.body),
    );
    batch.ackAll();
  } catch (error) {
    console.error('fan-out dead letters could not be recorded', error);
    batch.retryAll({ delaySeconds: DEAD_LETTER_RETRY_SECONDS });
  }
}
