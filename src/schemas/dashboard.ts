import { z } from 'zod';
import { DUPLICATE_DECISIONS, DuplicateRule, ProgramSettingsInput } from '../matching/settings';
import { BeaconUserStatus, Cursor, NextCursor, nonBlank, ObjectId, Timestamp } from './fields';

export const PROGRAM_NAME_MAX = 100;
export const ProgramName = nonBlank(PROGRAM_NAME_MAX);

export const ProgramCreateRequest = z.strictObject({ name: ProgramName, settings: ProgramSettingsInput.nullish() });
export const ProgramGetRequest = z.strictObject({ program_id: ObjectId });
export const ProgramListRequest = z.strictObject({ cursor: Cursor });
export const ProgramUpdateRequest = z.strictObject({
  program_id: ObjectId,
  name: ProgramName.nullish(),
  settings: ProgramSettingsInput.nullish(),
});

export const DashboardUserReviewRequest = z.strictObject({ beacon_user_id: ObjectId, status: BeaconUserStatus });

// Answers.

export const ProgramSettings = z.object({
  duplicate_rules: z.array(DuplicateRule),
  duplicates_to_pending_review: z.boolean(),
  flag_network_fraud: z.boolean(),
  duplicate_decision: z.enum(DUPLICATE_DECISIONS),
  duplicate_weight_threshold: z.number(),
});

export const Program = z.object({
  id: z.string(),
  name: z.string(),
  settings: ProgramSettings,
  created_at: Timestamp,
  updated_at: Timestamp,
});

export const ProgramListResponse = z.object({ programs: z.array(Program), next_cursor: NextCursor });
