import { newApp } from './app';
import type { Env } from './env';

export { BeaconProgram } from './durable/beacon-program';

const app = newApp();

export default {
  fetch: app.fetch,
} satisfies ExportedHandler<Env>;
