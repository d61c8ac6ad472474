import { Storage } from '../db';
import { runRotationStep, type RotationStep } from '../domain/key-rotation';
import { ProgramGateway } from '../durable/gateway';
import type { Env } from '../env';
import { loadSecrets } from '../secrets';
import type { MaintenanceMessage } from './messages';

/** `beacon-maintenance`: each message is one step of a key rotation; the next step is sent
 * when it is done. A step that fails is retried with a growing delay; one whose retries run
 * out is resumed by the sweep from the target's recorded cursor, so nothing is dead-lettered. */
export async function handleMaintenanceBatch(batch: MessageBatch<MaintenanceMessage>, env: Env): Promise<void> {
  for (const message of batch.messages) {
    try {
      const storage = new Storage(env);
      const next = await runRotationStep(storage, await loadSecrets(env), new ProgramGateway(env, storage), message.body);
      if (next) await sendRotationSteps(env, [next]);
      message.ack();
    } catch (error) {
      console.error(`key rotation step of ${message.body.target} failed (attempt ${message.attempts})`, error);
      message.retry({ delaySeconds: Math.min(10 * 2 ** message.attempts, 300) });
    }
  }
}

/** Sends rotation steps (100 at a time, the most a batch takes). A failed send is resumed by the sweep. */
export async function sendRotationSteps(env: Env, steps: RotationStep[]): Promise<void> {
  try {
    for (let i = 0; i < steps.length; i += 100) {
      await env.MAINTENANCE_QUEUE.sendBatch(steps.slice(i, i + 100).map((body) => ({ body: body satisfies MaintenanceMessage })));
    }
  } catch (error) {
    console.error('sending key rotation steps failed; the sweep will resume them', error);
  }
}
