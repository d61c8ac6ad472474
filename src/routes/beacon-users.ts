import { getDuplicate } from '../domain/beacon-users/duplicates';
import { getBeaconUser, listBeaconUserHistory } from '../domain/beacon-users/reads';
import { errors } from '../errors';
import { register, type App } from '../http/endpoint';
import { plaidResponse } from '../schemas/plaid';
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
    summary: 'Create a Beacon User in a program and run the three checks',
    plane: 'api',
    request: BeaconUserCreateRequest,
    response: plaidResponse('BeaconUserCreateResponse'),
    handle({ programs, client, actor, input }) {
      refuseAccessTokens(input.access_tokens);
      return programs.createBeaconUser(client.id, { programId: input.program_id, clientUserId: input.client_user_id, user: input.user }, actor);
    },
  });

  register(app, {
    path: '/beacon/user/get',
    summary: 'Get a Beacon User',
    plane: 'api',
    request: BeaconUserGetRequest,
    response: plaidResponse('BeaconUserGetResponse'),
    handle: ({ storage, secrets, client, input }) => getBeaconUser(storage, secrets, client.id, input.beacon_user_id),
  });

  register(app, {
    path: '/beacon/user/update',
    summary: "Update a Beacon User's identity data and run the checks again",
    plane: 'api',
    request: BeaconUserUpdateRequest,
    response: plaidResponse('BeaconUserUpdateResponse'),
    handle({ programs, client, actor, input }) {
      refuseAccessTokens(input.access_tokens);
      return programs.updateBeaconUser(client.id, { beaconUserId: input.beacon_user_id, patch: input.user }, actor);
    },
  });

  register(app, {
    path: '/beacon/user/review',
    summary: 'Review a Beacon User: set its status under the review rules',
    plane: 'api',
    request: BeaconUserReviewRequest,
    response: plaidResponse('BeaconUserGetResponse'),
    handle: ({ programs, client, actor, input }) => programs.reviewBeaconUser(client.id, { beaconUserId: input.beacon_user_id, status: input.status }, actor),
  });

  register(app, {
    path: '/beacon/duplicate/get',
    summary: 'Get a Beacon Duplicate: the two user revisions and their analysis',
    plane: 'api',
    request: BeaconDuplicateGetRequest,
    response: plaidResponse('BeaconDuplicateGetResponse'),
    handle: ({ storage, client, input }) => getDuplicate(storage, client.id, input.beacon_duplicate_id),
  });

  register(app, {
    path: '/beacon/user/history/list',
    summary: 'List every version of a Beacon User, newest first',
    plane: 'api',
    request: BeaconUserHistoryListRequest,
    response: plaidResponse('BeaconUserHistoryListResponse'),
    handle: ({ storage, secrets, client, input }) => listBeaconUserHistory(storage, secrets, client.id, input.beacon_user_id, input.cursor),
  });
}
