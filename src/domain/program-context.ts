import type { ShardDb, Storage } from '../db';
import type { Secrets } from '../secrets';
import type { Changeset } from './changeset';
import type { ProgramSettings } from '../matching/settings';
import type { FanoutPage } from './reports/fanout';

/** The program a Durable Object serves, as its writes need it. */
export interface ProgramRecord {
  id: string;
  clientId: string;
  shard: number;
  settings: ProgramSettings;
}

/** What the writes of one program get from its Durable Object, which runs them one at a
 * time: the program, its shard, and the two ways out of the critical section. */
export interface InProgram {
  program: ProgramRecord;
  /** The program's user shard. */
  db: ShardDb;
  /** Every database, for what lies outside the shard (the network index, other programs'
   * reports, the control database). */
  storage: Storage;
  secrets: Secrets;
  /** Writes a changeset as one batch and, once it has committed, hands its events over. */
  commit(changes: Changeset): Promise<void>;
  /** Hands fan-out pages to the fan-out queue. */
  fanOut(pages: { page: FanoutPage; delaySeconds?: number }[]): Promise<void>;
}
