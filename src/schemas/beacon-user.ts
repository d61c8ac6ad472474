import { z } from 'zod';
import { Address, BeaconUserStatus, ClientUserId, Cursor, DepositoryAccount, EmailAddress, IdNumber, IpAddress, Name, ObjectId, PastDate, PhoneNumber } from './fields';

/** `access_tokens` needs Plaid Items; accepted only when empty (see errors.notSupported). */
const AccessTokens = z.array(z.string()).max(50).nullish();

/** Optional request fields may also be sent as `null`, meaning "not provided". */
const userFields = {
  date_of_birth: PastDate.nullish(),
  address: Address.nullish(),
  email_address: EmailAddress.nullish(),
  phone_number: PhoneNumber.nullish(),
  id_number: IdNumber.nullish(),
  ip_address: IpAddress.nullish(),
  depository_accounts: z.array(DepositoryAccount).max(50, 'at most 50 depository accounts').nullish(),
};

export const BeaconUserRequestData = z.strictObject({ name: Name, ...userFields }).refine((user) => user.date_of_birth != null || (user.depository_accounts?.length ?? 0) > 0, {
  message: 'date_of_birth or depository_accounts must be provided',
  path: ['date_of_birth'],
});
export type BeaconUserRequestData = z.output<typeof BeaconUserRequestData>;

export const BeaconUserUpdateRequestData = z.strictObject({ name: Name.nullish(), ...userFields });
export type BeaconUserUpdateRequestData = z.output<typeof BeaconUserUpdateRequestData>;

export const BeaconUserCreateRequest = z.strictObject({
  program_id: ObjectId,
  client_user_id: ClientUserId,
  user: BeaconUserRequestData,
  access_tokens: AccessTokens,
});

export const BeaconUserGetRequest = z.strictObject({ beacon_user_id: ObjectId });

export const BeaconUserUpdateRequest = z.strictObject({
  beacon_user_id: ObjectId,
  user: BeaconUserUpdateRequestData.nullish(),
  access_tokens: AccessTokens,
});

export const BeaconUserReviewRequest = z.strictObject({ beacon_user_id: ObjectId, status: BeaconUserStatus });

export const BeaconUserHistoryListRequest = z.strictObject({ beacon_user_id: ObjectId, cursor: Cursor });

export const BeaconDuplicateGetRequest = z.strictObject({ beacon_duplicate_id: ObjectId });
