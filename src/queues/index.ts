import type { Env } from '../env';
import { handleMaintenanceBatch } from './maintenance';
import type { FanoutMessage, MaintenanceMessage, QueueMessage, WebhookMessage } from './messages';
import { handleWebhookBatch, handleWebhookDeadLetters } from './webhooks';
import { handleFanoutBatch, handleFanoutDeadLetters } from './fanout';

/** Queue names are prefixed per deployment (`beacon-`, `beacon-production-`); the part
 * after the prefix says which consumer a batch is for. */
function roleOf(queue: string): string {
  return queue.replace(/^beacon-(production-)?/, '');
}

export async function handleQueue(batch: MessageBatch<QueueMessage>, env: Env): Promise<void> {
  const role = roleOf(batch.queue);
  switch (role) {
    case 'webhooks':
      return handleWebhookBatch(batch as MessageBatch<WebhookMessage>, env);
    case 'webhooks-dead':
      return handleWebhookDeadLetters(batch as MessageBatch<WebhookMessage>, env);
    case 'report-fanout':
      return handleFanoutBatch(batch as MessageBatch<FanoutMessage>, env);
    case 'report-fanout-dead':
      return handleFanoutDeadLetters(batch as MessageBatch<FanoutMessage>, env);
    case 'maintenance':
      return handleMaintenanceBatch(batch as MessageBatch<MaintenanceMessage>, env);
    default:
      // Not consumed yet: leave the messages on the queue.
      console.error(`no consumer for queue ${batch.queue} (${role})`);
      batch.retryAll();
      void env;
  }
}
