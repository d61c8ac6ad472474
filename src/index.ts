import { newApp } from './app';
import { sweepOutbox } from './domain/outbox';
import type { Env } from './env';
import { handleQueue, type QueueMessage } from './queues';

export { BeaconProgram } from './durable/beacon-program';

const app = newApp();

export default {
  fetch: app.fetch,
  queue: handleQueue,
  async scheduled(_controller, env, ctx) {
    ctx.waitUntil(sweepOutbox(env));
  },
} satisfies ExportedHandler<Env, QueueMessage>;
