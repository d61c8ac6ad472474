import { z } from 'zod';
import { ProgramSettingsInput } from '../matching/settings';
import { BeaconUserStatus, Cursor, nonBlank, ObjectId } from './fields';

const ProgramName = nonBlank(100);

export const ProgramCreateRequest = z.strictObject({ name: ProgramName, settings: ProgramSettingsInput.nullish() });
export const ProgramGetRequest = z.strictObject({ program_id: ObjectId });
export const ProgramListRequest = z.strictObject({ cursor: Cursor });
export const ProgramUpdateRequest = z.strictObject({
  program_id: ObjectId,
  name: ProgramName.nullish(),
  settings: ProgramSettingsInput.nullish(),
});

export const DashboardUserReviewRequest = z.strictObject({ beacon_user_id: ObjectId, status: BeaconUserStatus });
