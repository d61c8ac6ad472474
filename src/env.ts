import type { ENVIRONMENTS } from './vocabulary';
import type { FanoutMessage, MaintenanceMessage, WebhookMessage } from './queues/messages';

/** The deployment's environment, used in webhooks, user tokens and webhook keys. */
export type Environment = (typeof ENVIRONMENTS)[number];

/** Bindings of the Worker. What wrangler.toml declares is generated from it by
 * `npm run types:env` (src/worker-configuration.d.ts, checked by `npm run check`); added here
 * is what it cannot know: the shards by pattern, the queues' messages, and the optional vars
 * and secrets. Secrets are optional because a deployment can be missing them; `loadSecrets`
 * refuses to run without them. */
export interface Env extends Omit<WorkerBindings, 'WEBHOOK_QUEUE' | 'FANOUT_QUEUE' | 'MAINTENANCE_QUEUE'> {
  /** User shards `USER_SHARD_0` … and report-index shards `INDEX_SHARD_0` … (db/shards.ts). */
  [shard: `USER_SHARD_${number}` | `INDEX_SHARD_${number}`]: D1Database;
  /** User shards that take no new programs or clients, e.g. "0,1" (db/shards.ts). */
  CLOSED_USER_SHARDS?: string;
  /** Webhook deliveries (retried on Plaid's schedule; dead letters go to its DLQ). */
  WEBHOOK_QUEUE: Queue<WebhookMessage>;
  /** Network fan-out of new fraud reports, a page at a time. */
  FANOUT_QUEUE: Queue<FanoutMessage>;
  /** Background work: the steps of a key rotation, the release of held matches. */
  MAINTENANCE_QUEUE: Queue<MaintenanceMessage>;
  /** Comma-separated host names (`hooks.acme.com`) and `*.acme.com` patterns: when set,
   * the only hosts webhook URLs may name (domain/webhooks/url.ts). */
  WEBHOOK_HOST_ALLOWLIST?: string;
  /** `sandbox` only: comma-separated ports and ranges (`9000-9099`) on which receivers on
   * the Worker's own machine may get webhooks. Unset: none. */
  WEBHOOK_LOCAL_PORTS?: string;
  /** Benchmark only: delay every D1 round trip by this many ms (db/meter.ts). */
  D1_SIMULATED_LATENCY_MS?: string;
  /** Benchmark only: "on" adds what each request cost in D1 as a response header. */
  D1_USAGE_HEADER?: string;
  /** Operator token for the admin plane. */
  ADMIN_TOKEN?: string;
  /** `<kid>:<base64 of 32 random bytes>`: AES-256-GCM key for identity data at rest. */
  PII_ENCRYPTION_KEY?: string;
  /** During a rotation: the key PII_ENCRYPTION_KEY replaces, still opening what it sealed. */
  PII_ENCRYPTION_KEY_PREVIOUS?: string;
  /** `<kid>:<base64 of 32–64 random bytes>`: HMAC key for the blocking index, identity and
   * credential digests and cursors. */
  HMAC_KEY?: string;
  /** During a rotation: the key HMAC_KEY replaces. */
  HMAC_KEY_PREVIOUS?: string;
  /** `<kid>:<base64 of 32 random bytes>`: AES-256-GCM key that seals the webhook signing keys. */
  WEBHOOK_SEALING_KEY?: string;
  /** During a rotation: the key WEBHOOK_SEALING_KEY replaces. */
  WEBHOOK_SEALING_KEY_PREVIOUS?: string;
}
