import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { LOCAL_RECEIVER_PORTS, startLocalWorker, type PortRange } from '../../scripts/local-worker.mjs';
import { TEST_SECRETS } from '../secrets.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Base URL of the Worker under test, e.g. http://127.0.0.1:PORT. */
    baseUrl: string;
    /** The admin token it was started with. */
    adminToken: string;
    /** The ports on which webhook receivers may listen (its WEBHOOK_LOCAL_PORTS). */
    receiverPorts: PortRange;
  }
}

/** Starts one Worker for the whole run, on a fresh database in a temporary directory
 * (never the developer's .wrangler/state), with the fixed test secrets. */
export default async function setup(project: TestProject) {
  const persistTo = mkdtempSync(join(tmpdir(), 'beacon-e2e-'));
  // On exit rather than in the teardown, so that an interrupted run (Ctrl-C skips the
  // teardown) does not leave the directory behind either.
  process.once('exit', () => rmSync(persistTo, { recursive: true, force: true }));

  // Webhook retries follow at once (the var scales Plaid's 30 s, ×4 schedule; see
  // docs/webhooks.md), so that retries and dead letters play out within a test. Receivers
  // listen on 127.0.0.1 in the local receiver ports, which the Worker's own port is not in.
  const worker = await startLocalWorker({
    persistTo,
    vars: { ...TEST_SECRETS, WEBHOOK_RETRY_BASE_SECONDS: '0' },
    receiverPorts: LOCAL_RECEIVER_PORTS,
  });
  project.provide('baseUrl', worker.url);
  project.provide('adminToken', TEST_SECRETS.ADMIN_TOKEN);
  project.provide('receiverPorts', LOCAL_RECEIVER_PORTS);
  return () => worker.stop();
}
