import { z } from 'zod';
import { HELD_MATCH_REASONS, HELD_MATCH_STATUSES } from '../vocabulary';
import { Cursor, NextCursor, ObjectId, Timestamp } from './fields';

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

// Answers.

const Analysis = z.record(z.string(), z.unknown());

export const HeldMatch = z.object({
  id: z.string(),
  status: z.enum(HELD_MATCH_STATUSES),
  reason: z
    .enum(HELD_MATCH_REASONS)
    .meta({ description: 'Held beyond the bound on syndications, or while a member on either side was disabled (released when it is enabled again).' }),
  client_id: z.string().meta({ description: 'The member the match would reach.' }),
  program_id: z.string(),
  beacon_user_id: z.string(),
  report: z.object({ id: z.string(), client_id: z.string(), program_id: z.string(), beacon_user_id: z.string() }),
  analysis: Analysis.meta({ description: 'The full comparison (the operator sees it; the member never does).' }),
  shown_analysis: Analysis.meta({ description: 'What the syndication would show the member.' }),
  created_at: Timestamp,
  resolved_at: Timestamp.nullable(),
});

export const AdminHeldMatchListResponse = z.object({ held_matches: z.array(HeldMatch), next_cursor: NextCursor });
export const AdminHeldMatchResponse = z.object({ held_match: HeldMatch });

export const AdminMatchCountListResponse = z.object({
  match_counts: z.array(
    z.object({
      client_id: z.string().meta({ description: 'The receiving member.' }),
      reported: z.object({ client_id: z.string(), beacon_user_id: z.string() }),
      syndications: z.int(),
      held: z.int().meta({ description: 'Matches held beyond the bound.' }),
      bound: z.int(),
      updated_at: Timestamp,
    }),
  ),
  next_cursor: NextCursor,
});
