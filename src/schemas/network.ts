import { z } from 'zod';
import { HELD_MATCH_STATUSES } from '../vocabulary';
import { Cursor, ObjectId } from './fields';

/** The operator's view of what members learn of each other's reports (docs/security.md). */
export const AdminHeldMatchListRequest = z.strictObject({
  cursor: Cursor,
  status: z.enum(HELD_MATCH_STATUSES, `must be one of ${HELD_MATCH_STATUSES.join(', ')}`).nullish(),
  /** The receiving member. */
  client_id: ObjectId.nullish(),
});
export const AdminHeldMatchReleaseRequest = z.strictObject({ held_match_id: ObjectId });
export const AdminHeldMatchDismissRequest = z.strictObject({ held_match_id: ObjectId });
export const AdminMatchCountListRequest = z.strictObject({ cursor: Cursor, client_id: ObjectId.nullish() });
