import { clientView, createClient, getClient, listClients, revokePreviousSecret, rotateClientSecret, updateClient } from '../domain/clients';
import { shardList } from '../domain/directory';
import { rotationStatus, startRotation } from '../domain/key-rotation';
import { findProgram, programAdminView } from '../domain/programs';
import { listFanoutDeadLetters, retryFanoutDeadLetter } from '../domain/reports/fanout';
import { register, type App } from '../http/endpoint';
import { sendRotationSteps } from '../queues/maintenance';
import { sendFanoutPages } from '../queues/outbox';
import {
  AdminBeaconUserImportRequest,
  AdminClientCreateRequest,
  AdminClientGetRequest,
  AdminClientListRequest,
  AdminClientSecretRevokePreviousRequest,
  AdminClientSecretRotateRequest,
  AdminClientUpdateRequest,
  AdminFanoutDeadLetterListRequest,
  AdminFanoutDeadLetterRetryRequest,
  AdminKeyRotationRequest,
  AdminProgramGetRequest,
  AdminShardListRequest,
} from '../schemas/admin';

/** The operator's plane (PRODUCT.md §2): member companies and their credentials, where
 * programs live and what they cost, the import of a member's existing users at onboarding,
 * the fan-out's dead letters, and bringing stored data to new keys. */
export function registerAdminRoutes(app: App): void {
  register(app, {
    path: '/admin/client/create',
    plane: 'admin',
    request: AdminClientCreateRequest,
    async handle({ storage, secrets, input }) {
      const { client, secret } = await createClient(storage, secrets, input);
      return { client_id: client.id, secret };
    },
  });

  register(app, {
    path: '/admin/client/get',
    plane: 'admin',
    request: AdminClientGetRequest,
    handle: async ({ storage, input }) => clientView(await getClient(storage, input.client_id)),
  });

  register(app, {
    path: '/admin/client/list',
    plane: 'admin',
    request: AdminClientListRequest,
    handle: ({ storage, secrets, input }) => listClients(storage, secrets, input.cursor),
  });

  register(app, {
    path: '/admin/client/update',
    plane: 'admin',
    request: AdminClientUpdateRequest,
    handle: async ({ storage, secrets, input }) => clientView(await updateClient(storage, secrets, input)),
  });

  register(app, {
    path: '/admin/client/secret/rotate',
    plane: 'admin',
    request: AdminClientSecretRotateRequest,
    async handle({ storage, secrets, input }) {
      const { client, secret } = await rotateClientSecret(storage, secrets, input.client_id, input.previous_secret_valid_seconds ?? 0);
      return { client_id: client.id, secret, previous_secret_expires_at: client.previousSecretExpiresAt };
    },
  });

  register(app, {
    path: '/admin/client/secret/revoke_previous',
    plane: 'admin',
    request: AdminClientSecretRevokePreviousRequest,
    handle: async ({ storage, input }) => clientView(await revokePreviousSecret(storage, input.client_id)),
  });

  register(app, {
    path: '/admin/shard/list',
    plane: 'admin',
    request: AdminShardListRequest,
    handle: ({ storage }) => shardList(storage),
  });

  register(app, {
    path: '/admin/program/get',
    plane: 'admin',
    request: AdminProgramGetRequest,
    handle: async ({ storage, input }) => programAdminView(await findProgram(storage, input.program_id)),
  });

  register(app, {
    path: '/admin/program/metrics',
    plane: 'admin',
    request: AdminProgramGetRequest,
    handle: async ({ programs, input }) => ({ metrics: await programs.programMetrics(input.program_id) }),
  });

  register(app, {
    path: '/admin/beacon_user/import',
    plane: 'admin',
    request: AdminBeaconUserImportRequest,
    maxBodyBytes: 1024 * 1024,
    handle: ({ programs, input }) => programs.importBeaconUsers(input.program_id, input.users),
  });

  register(app, {
    path: '/admin/fanout/dead_letter/list',
    plane: 'admin',
    request: AdminFanoutDeadLetterListRequest,
    handle: ({ storage, secrets, input }) => listFanoutDeadLetters(storage, secrets, input.cursor),
  });

  register(app, {
    path: '/admin/fanout/dead_letter/retry',
    plane: 'admin',
    request: AdminFanoutDeadLetterRetryRequest,
    handle: ({ env, storage, input }) => retryFanoutDeadLetter(storage, input.dead_letter_id, (page) => sendFanoutPages(env, [{ page }])),
  });

  register(app, {
    path: '/admin/key_rotation/start',
    plane: 'admin',
    request: AdminKeyRotationRequest,
    async handle({ env, storage, secrets }) {
      await sendRotationSteps(env, await startRotation(storage, secrets));
      return rotationStatus(storage, secrets);
    },
  });

  register(app, {
    path: '/admin/key_rotation/status',
    plane: 'admin',
    request: AdminKeyRotationRequest,
    handle: ({ storage, secrets }) => rotationStatus(storage, secrets),
  });
}
