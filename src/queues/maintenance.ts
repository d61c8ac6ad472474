import { Storage } from '../db';
import { heldForDisabledClient } from '../domain/checks/held-matches';
import { runRotationStep, type RotationStep } from '../domain/key-rotation';
import { ProgramGateway } from '../durable/gateway';
import type { Env } from '../env';
import { PlaidError } from '../errors';
import { loadSecrets } from '../secrets';
import type { HeldMatchReleasePage, MaintenanceMessage } from './messages';

/** Held matches released per message. */
const RELEASE_PAGE = 25;

/** `beacon-maintenance`: each message is one step of a key rotation, or one page of the
 * matches held for a member enabled again; the next is sent when it is done. A step that
 * fails is retried with a growing delay; a rotation step whose retries run out is resumed by
 * the sweep from the target's recorded cursor, and matches left held stay listed for the
 * operator (`/admin/network/held_match/list`), so nothing is lost. */
export async function handleMaintenanceBatch(batch: MessageBatch<MaintenanceMessage>, env: Env): Promise<void> {
  for (const message of batch.messages) {
    const { body } = message;
    try {
      const storage = new Storage(env);
      const programs = new ProgramGateway(env, storage);
      if ('enabledClientId' in body) {
        const next = await releaseHeldMatches(storage, programs, body);
        if (next) await env.MAINTENANCE_QUEUE.send(next);
      } else {
        const next = await runRotationStep(storage, await loadSecrets(env), programs, body);
        if (next) await sendRotationSteps(env, [next]);
      }
      message.ack();
    } catch (error) {
      console.error(
        `maintenance ${'enabledClientId' in body ? `release for ${body.enabledClientId}` : `key rotation step of ${body.target}`} failed (attempt ${message.attempts})`,
        error,
      );
      message.retry({ delaySeconds: Math.min(10 * 2 ** message.attempts, 300) });
    }
  }
}

/** One page of the matches held while a member was disabled: each is released (within the
 * bound) by its receiving program; one that cannot be — its other member still disabled, its
 * report deleted since — is refused there and stays held (for that member's enabling, or for
 * the operator to dismiss). Returns the next page, if any. */
async function releaseHeldMatches(storage: Storage, programs: ProgramGateway, page: HeldMatchReleasePage): Promise<HeldMatchReleasePage | null> {
  const held = await heldForDisabledClient(storage, page.enabledClientId, page.afterSeq, RELEASE_PAGE);
  for (const match of held) {
    try {
      await programs.releaseHeldMatch(match.id, 'member_enabled', match.programId);
    } catch (error) {
      if (!(error instanceof PlaidError) || error.status >= 500) throw error;
    }
  }
  return held.length === RELEASE_PAGE ? { enabledClientId: page.enabledClientId, afterSeq: held.at(-1)!.seq } : null;
}

/** Starts releasing what was held while a member was disabled (after `updateClient` has
 * answered, so every isolate knows it is enabled). */
export async function sendHeldMatchRelease(env: Env, clientId: string): Promise<void> {
  await env.MAINTENANCE_QUEUE.send({ enabledClientId: clientId, afterSeq: 0 } satisfies HeldMatchReleasePage);
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
