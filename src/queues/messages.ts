import type { RotationStep } from '../domain/key-rotation';
import type { FanoutPage } from '../domain/reports/fanout';

/** Queue messages. A webhook message names an event, the user shard it lives in and the
 * hand-over that sent it (absent in messages sent before hand-overs were named). */
export type WebhookMessage = { eventId: string; shard: number; handover?: string };
/** A fan-out message is one page of one report's walk of one shard. */
export type FanoutMessage = FanoutPage;
/** A page of the matches held for a member that is enabled again, after `afterSeq`. */
export type HeldMatchReleasePage = { enabledClientId: string; afterSeq: number };
/** A maintenance message is one step of a key rotation, or a page of held matches to release. */
export type MaintenanceMessage = RotationStep | HeldMatchReleasePage;
export type QueueMessage = WebhookMessage | FanoutMessage | MaintenanceMessage;
