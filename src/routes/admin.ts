import {
  clientView,
  createClient,
  getClient,
  listClients,
  rotateClientSecret,
  updateClient,
} from '../domain/clients';
import { findProgram } from '../domain/programs';
import { listFanoutDeadLetters, retryFanoutDeadLetter } from '../domain/reports/fanout';
import { programObject } from '../durable/beacon-program';
import { unwrap } from '../errors';
import { register, type App } from '../http/endpoint';
import {
  AdminBeaconUserImportRequest,
  AdminClientCreateRequest,
  AdminClientGetRequest,
  AdminClientListRequest,
  AdminClientSecretRotateRequest,
  AdminClientUpdateRequest,
  AdminFanoutDeadLetterListRequest,
  AdminFanoutDeadLetterRetryRequest,
} from '../schemas/admin';

/** The operator's plane (PRODUCT.md §2): member companies and their credentials, and the
 * import of a member's existing users at onboarding. */
export function registerAdminRoutes(app: App): void {
  register(app, {
    path: '/admin/client/create',
    plane: 'admin',
    request: AdminClientCreateRequest,
    async handle({ db, secrets, input }) {
      const { client, secret } = await createClient(db, secrets, input);
      return { client_id: client.id, secret };
    },
  });

  register(app, {
    path: '/admin/client/get',
    plane: 'admin',
    request: AdminClientGetRequest,
    handle: async ({ db, input }) => clientView(await getClient(db, input.client_id)),
  });

  register(app, {
    path: '/admin/client/list',
    plane: 'admin',
    request: AdminClientListRequest,
    handle: ({ db, secrets, input }) => listClients(db, secrets, input.cursor),
  });

  register(app, {
    path: '/admin/client/update',
    plane: 'admin',
    request: AdminClientUpdateRequest,
    handle: async ({ db, secrets, input }) => clientView(await updateClient(db, secrets, input)),
  });

  register(app, {
    path: '/admin/beacon_user/import',
    plane: 'admin',
    request: AdminBeaconUserImportRequest,
    maxBodyBytes: 1024 * 1024,
    async handle({ env, db, input }) {
      await findProgram(db, input.program_id);
      return unwrap(await programObject(env, input.program_id).importBeaconUsers({ programId: input.program_id, users: input.users }));
    },
  });

  register(app, {
    path: '/admin/fanout/dead_letter/list',
    plane: 'admin',
    request: AdminFanoutDeadLetterListRequest,
    handle: ({ db, secrets, input }) => listFanoutDeadLetters(db, secrets, input.cursor),
  });

  register(app, {
    path: '/admin/fanout/dead_letter/retry',
    plane: 'admin',
    request: AdminFanoutDeadLetterRetryRequest,
    handle: ({ env, db, input }) => retryFanoutDeadLetter(env, db, input.dead_letter_id),
  });

  register(app, {
    path: '/admin/client/secret/rotate',
    plane: 'admin',
    request: AdminClientSecretRotateRequest,
    async handle({ db, secrets, input }) {
      const { client, secret } = await rotateClientSecret(db, secrets, input.client_id);
      return { client_id: client.id, secret };
    },
  });
}
