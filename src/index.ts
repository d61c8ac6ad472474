import { newApp } from './app';
import { Storage } from './db';
import type { Env } from './env';
import { handleQueue } from './queues';
import type { QueueMessage } from './queues/messages';
import { sweepOutbox } from './queues/sweep';

export { BeaconProgram } from './durable/beacon-program';

const app = newApp();

export default {
  fetch: app.fetch,
  queue: handleQueue,
  async scheduled(_controller, env, ctx) {
    ctx.waitUntil(sweepOutbox(env, new Storage(env)));
  },
} satisfies ExportedHandler<Env, QueueMessage>;
