import type { RotationStep } from '../domain/key-rotation';
import type { FanoutPage } from '../domain/reports/fanout';

/** Queue messages. A webhook message names an event and the user shard it lives in. */
export type WebhookMessage = { eventId: string; shard: number };
/** A fan-out message is one page of one report's walk of one shard. */
export type FanoutMessage = FanoutPage;
/** A maintenance message is one step of a key rotation. */
export type MaintenanceMessage = RotationStep;
export type QueueMessage = WebhookMessage | FanoutMessage | MaintenanceMessage;
