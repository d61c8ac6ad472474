import type { BatchItem } from 'drizzle-orm/batch';
import { userShard, type ShardDb } from '../db';
import { newId } from '../lib/ids';
import type { BeaconEvent } from './events';

/** The writes of one change in a user shard, committed as one D1 batch (one transaction),
 * with the webhook events it causes (the outbox), which are handed to the delivery queue
 * once it has committed. */
export class Changeset {
  readonly statements: BatchItem<'sqlite'>[] = [];
  readonly eventIds: string[] = [];

  constructor(
    private readonly db: ShardDb,
    readonly now: string,
  ) {}

  add(...statements: BatchItem<'sqlite'>[]): this {
    this.statements.push(...statements);
    return this;
  }

  /** Records a webhook event in the outbox, in the same batch as the change. */
  event(clientId: string, event: BeaconEvent): this {
    const id = newId('event');
    this.eventIds.push(id);
    return this.add(this.db.insert(userShard.webhookEvents).values({ id, clientId, webhookCode: event.webhook_code, payload: event, createdAt: this.now }));
  }

  async write(): Promise<void> {
    const [first, ...rest] = this.statements;
    if (first) await this.db.batch([first, ...rest]);
  }
}
