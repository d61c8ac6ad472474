import { getDuplicate } from '../domain/beacon-users/duplicates';
import { getBeaconUser, listBeaconUserHistory } from '../domain/beacon-users/reads';
import { errors } from '../errors';
import { register, type App } from '../http/endpoint';
import {
  BeaconDuplicateGetRequest,
  BeaconUserCreateRequest,
  BeaconUserGetRequest,
  BeaconUserHistoryListRequest,
  BeaconUserReviewRequest,
  BeaconUserUpdateRequest,
} from '../schemas/beacon-user';

/** `access_tokens` would link Plaid Items, which this network does not have. */
function refuseAccessTokens(accessTokens: string[] | null | undefined): void {
  if (accessTokens?.length) throw errors.notSupported('access_tokens');
}

export function registerBeaconUserRoutes(app: App): void {
  register(app, {
    path: '/beacon/user/create',
    plane: 'api',
    request: BeaconUserCreateRequest,
    handle({ programs, client, actor, input }) {
      refuseAccessTokens(input.access_tokens);
      return programs.createBeaconUser(client.id, { programId: input.program_id, clientUserId: input.client_user_id, user: input.user }, actor);
    },
  });

  register(app, {
    path: '/beacon/user/get',
    plane: 'api',
    request: BeaconUserGetRequest,
    handle: ({ storage, secrets, client, input }) => getBeaconUser(storage, secrets, client.id, input.beacon_user_id),
  });

  register(app, {
    path: '/beacon/user/update',
    plane: 'api',
    request: BeaconUserUpdateRequest,
    handle({ programs, client, actor, input }) {
      refuseAccessTokens(input.access_tokens);
      return programs.updateBeaconUser(client.id, { beaconUserId: input.beacon_user_id, patch: input.user }, actor);
    },
  });

  register(app, {
    path: '/beacon/user/review',
    plane: 'api',
    request: BeaconUserReviewRequest,
    handle: ({ programs, client, actor, input }) => programs.reviewBeaconUser(client.id, { beaconUserId: input.beacon_user_id, status: input.status }, actor),
  });

  register(app, {
    path: '/beacon/duplicate/get',
    plane: 'api',
    request: BeaconDuplicateGetRequest,
    handle: ({ storage, client, input }) => getDuplicate(storage, client.id, input.beacon_duplicate_id),
  });

  register(app, {
    path: '/beacon/user/history/list',
    plane: 'api',
    request: BeaconUserHistoryListRequest,
    handle: ({ storage, secrets, client, input }) => listBeaconUserHistory(storage, secrets, client.id, input.beacon_user_id, input.cursor),
  });
}
