/** The periodic sweep (Cron Trigger, every minute) over every user shard: hands over what the
 * write path did not (domain/outbox.ts finds it), finishes reports' index work through
 * their programs' Durable Objects, and resumes key rotation targets that stopped moving. */
import type { Storage } from '../db';
import { sweepFindings } from '../domain/outbox';
import { ProgramGateway } from '../durable/gateway';
import type { Env } from '../env';
import { stalledRotationSteps } from '../domain/key-rotation';
import { sendRotationSteps } from './maintenance';
import { handOverEvents, sendFanoutPages } from './outbox';

/** The periodic sweep, over every user shard. */
export async function sweepOutbox(env: Env, storage: Storage) {
  const gateway = new ProgramGateway(env, storage);
  const perShard = await Promise.all(
    storage.layout.userShards.map(async (shard) => {
      const found = await sweepFindings(storage, shard);
      await handOverEvents(env, storage, shard, [...found.eventIds, ...found.lostEventIds]);
      for (const report of found.reportsWithIndexWork) {
        await gateway.syncReportIndex(report.programId, report.id).catch((error) => console.error(`index work of report ${report.id} failed`, error));
      }
      await sendFanoutPages(
        env,
        found.stalledFanouts.map((page) => ({ page })),
      );
      return found;
    }),
  );
  const rotationSteps = await stalledRotationSteps(storage, 500);
  await sendRotationSteps(env, rotationSteps);
  const total = (pick: (f: (typeof perShard)[number]) => unknown[]) => perShard.reduce((n, f) => n + pick(f).length, 0);
  return {
    events: total((f) => f.eventIds),
    lost: total((f) => f.lostEventIds),
    reports: total((f) => f.reportsWithIndexWork),
    fanouts: total((f) => f.stalledFanouts),
    rotationSteps: rotationSteps.length,
  };
}
