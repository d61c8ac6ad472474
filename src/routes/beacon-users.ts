import type { z } from 'zod';
import type { Database } from '../db';
import type { Client } from '../domain/clients';
import { assertProgramOwned } from '../domain/programs';
import { getDuplicate } from '../domain/beacon-users/duplicates';
import { getBeaconUser, listBeaconUserHistory } from '../domain/beacon-users/reads';
import { programObject, programObjectOfUser } from '../durable/beacon-program';
import type { Env } from '../env';
import { errors, unwrap } from '../errors';
import type { Actor } from '../domain/actor';
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

/** Reviews go through the user's program, for the API and the dashboard alike. */
export async function reviewInProgram(
  env: Env,
  db: Database,
  client: Client,
  actor: Actor,
  input: z.output<typeof BeaconUserReviewRequest>,
) {
  const program = await programObjectOfUser(env, db, client.id, input.beacon_user_id);
  return unwrap(
    await program.reviewBeaconUser({
      clientId: client.id,
      beaconUserId: input.beacon_user_id,
      status: input.status,
      actor,
    }),
  );
}

export function registerBeaconUserRoutes(app: App): void {
  register(app, {
    path: '/beacon/user/create',
    plane: 'api',
    request: BeaconUserCreateRequest,
    async handle({ env, db, client, actor, input }) {
      refuseAccessTokens(input.access_tokens);
      // Checked here too, so that unknown ids never reach (and create) a Durable Object.
      await assertProgramOwned(db, client.id, input.program_id);
      return unwrap(
        await programObject(env, input.program_id).createBeaconUser({
          clientId: client.id,
          programId: input.program_id,
          clientUserId: input.client_user_id,
          data: input.user,
          actor,
        }),
      );
    },
  });

  register(app, {
    path: '/beacon/user/get',
    plane: 'api',
    request: BeaconUserGetRequest,
    handle: ({ db, secrets, client, input }) => getBeaconUser(db, secrets, client.id, input.beacon_user_id),
  });

  register(app, {
    path: '/beacon/user/update',
    plane: 'api',
    request: BeaconUserUpdateRequest,
    async handle({ env, db, client, actor, input }) {
      refuseAccessTokens(input.access_tokens);
      const program = await programObjectOfUser(env, db, client.id, input.beacon_user_id);
      return unwrap(
        await program.updateBeaconUser({
          clientId: client.id,
          beaconUserId: input.beacon_user_id,
          patch: input.user,
          actor,
        }),
      );
    },
  });

  register(app, {
    path: '/beacon/user/review',
    plane: 'api',
    request: BeaconUserReviewRequest,
    handle: ({ env, db, client, actor, input }) => reviewInProgram(env, db, client, actor, input),
  });

  register(app, {
    path: '/beacon/duplicate/get',
    plane: 'api',
    request: BeaconDuplicateGetRequest,
    handle: ({ db, client, input }) => getDuplicate(db, client.id, input.beacon_duplicate_id),
  });

  register(app, {
    path: '/beacon/user/history/list',
    plane: 'api',
    request: BeaconUserHistoryListRequest,
    handle: ({ db, secrets, client, input }) =>
      listBeaconUserHistory(db, secrets, client.id, input.beacon_user_id, input.cursor),
  });
}
