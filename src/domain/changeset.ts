import type { BatchItem } from 'drizzle-orm/batch';
import type { Database } from '../db';
import { webhookEvents } from '../db/schema';
import { newId } from '../lib/ids';
import type { BeaconEvent } from './events';

/** The writes of one change, committed as one D1 batch (one transaction), and what must
 * be handed to queues once it has committed: the webhook events it recorded (the outbox)
 * and the reports whose network fan-out it starts. */
export class Changeset {
  readonly statements: BatchItem<'sqlite'>[] = [];
  readonly eventIds: string[] = [];
  readonly fanoutReportIds: string[] = [];

  constructor(
    private readonly db: Database,
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
    return this.add(
      this.db.insert(webhookEvents).values({ id, clientId, webhookCode: event.webhook_code, payload: event, createdAt: this.now }),
    );
  }

  fanOut(reportId: string): this {
    this.fanoutReportIds.push(reportId);
    return this;
  }

  async write(): Promise<void> {
    const [first, ...rest] = this.statements;
    if (first) await this.db.batch([first, ...rest]);
  }
}
