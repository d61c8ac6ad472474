import type { RotationStep } from '../domain/key-rotation';
import type { FanoutPage } from '../domain/reports/fanout';

/** Queue messages. A webhook message names an event, the user shard it lives in and the
 * hand-over that sent it (absent in messages sent before hand-overs were named). */
export type WebhookMessage = { eventId: string; shard: number; handover?: string };
/** A fan-out message is one page of one report's walk of one shard. */
export type FanoutMessage = FanoutPage;
/** A maintenance message is one step of a key rotation. */
export type MaintenanceMessage = RotationStep;
export type QueueMessage = WebhookMessage | FanoutMessage | MaintenanceMessage;
