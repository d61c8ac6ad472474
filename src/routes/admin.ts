import { clientView, createClient, getClient, listClients, revokePreviousSecret, rotateClientSecret, updateClient } from '../domain/clients';
import { shardList } from '../domain/directory';
import { rotationStatus, startRotation } from '../domain/key-rotation';
import { countBeaconUsers, findProgram, programAdminView } from '../domain/programs';
import { listFanoutDeadLetters, retryFanoutDeadLetter } from '../domain/reports/fanout';
import { register, type App } from '../http/endpoint';
import { sendHeldMatchRelease, sendRotationSteps } from '../queues/maintenance';
import { sendFanoutPages } from '../queues/outbox';
import {
  AdminBeaconUserImportRequest,
  AdminBeaconUserImportResponse,
  AdminClientCreateRequest,
  AdminClientGetRequest,
  AdminClientListRequest,
  AdminClientListResponse,
  AdminClientSecretRevokePreviousRequest,
  AdminClientSecretRotateRequest,
  AdminClientUpdateRequest,
  AdminFanoutDeadLetterListRequest,
  AdminFanoutDeadLetterListResponse,
  AdminFanoutDeadLetterRetryRequest,
  AdminKeyRotationRequest,
  AdminKeyRotationResponse,
  AdminProgram,
  AdminProgramGetRequest,
  AdminProgramMetricsResponse,
  AdminShardListRequest,
  AdminShardListResponse,
  Client,
  ClientCredentials,
  FanoutDeadLetter,
} from '../schemas/admin';

/** The operator's plane (docs/product.md §2): member companies and their credentials, where
 * programs live and what they cost, the import of a member's existing users at onboarding,
 * the fan-out's dead letters, and bringing stored data to new keys. */
export function registerAdminRoutes(app: App): void {
  register(app, {
    path: '/admin/client/create',
    summary: 'Create a member company: its client_id and secret (shown once)',
    plane: 'admin',
    request: AdminClientCreateRequest,
    response: ClientCredentials,
    async handle({ storage, secrets, input }) {
      const { client, secret } = await createClient(storage, secrets, input);
      return { client_id: client.id, secret };
    },
  });

  register(app, {
    path: '/admin/client/get',
    summary: 'Get a member company',
    plane: 'admin',
    request: AdminClientGetRequest,
    response: Client,
    handle: async ({ storage, input }) => clientView(await getClient(storage, input.client_id)),
  });

  register(app, {
    path: '/admin/client/list',
    summary: 'List the member companies',
    plane: 'admin',
    request: AdminClientListRequest,
    response: AdminClientListResponse,
    handle: ({ storage, secrets, input }) => listClients(storage, secrets, input.cursor),
  });

  register(app, {
    path: '/admin/client/update',
    summary: 'Rename, disable or enable a member; set its webhook URL or program shard',
    plane: 'admin',
    request: AdminClientUpdateRequest,
    response: Client,
    async handle({ env, storage, secrets, input }) {
      const client = await updateClient(storage, secrets, input);
      if (input.disabled === false) await sendHeldMatchRelease(env, client.id);
      return clientView(client);
    },
  });

  register(app, {
    path: '/admin/client/secret/rotate',
    summary: "Rotate a member's secret: the old one stops at once, or after an overlap",
    plane: 'admin',
    request: AdminClientSecretRotateRequest,
    response: ClientCredentials,
    async handle({ storage, input }) {
      const { client, secret } = await rotateClientSecret(storage, input.client_id, input.previous_secret_valid_seconds ?? 0);
      return { client_id: client.id, secret, previous_secret_expires_at: client.previousSecretExpiresAt };
    },
  });

  register(app, {
    path: '/admin/client/secret/revoke_previous',
    summary: 'End the overlap: the previous secret stops working now',
    plane: 'admin',
    response: Client,
    request: AdminClientSecretRevokePreviousRequest,
    handle: async ({ storage, input }) => clientView(await revokePreviousSecret(storage, input.client_id)),
  });

  register(app, {
    path: '/admin/shard/list',
    summary: "List every database: its size, and each user shard's programs",
    plane: 'admin',
    request: AdminShardListRequest,
    response: AdminShardListResponse,
    handle: ({ storage }) => shardList(storage),
  });

  register(app, {
    path: '/admin/program/get',
    summary: "Get any member's program, with its client and shard",
    plane: 'admin',
    request: AdminProgramGetRequest,
    response: AdminProgram,
    handle: async ({ storage, input }) => programAdminView(await findProgram(storage, input.program_id)),
  });

  register(app, {
    path: '/admin/program/metrics',
    summary: 'How many Beacon Users a program has, by status, and what its Durable Object has cost in D1',
    plane: 'admin',
    request: AdminProgramGetRequest,
    response: AdminProgramMetricsResponse,
    handle: async ({ storage, programs, input }) => {
      const [metrics, beacon_users] = await Promise.all([programs.programMetrics(input.program_id), countBeaconUsers(storage, input.program_id)]);
      return { metrics, beacon_users };
    },
  });

  register(app, {
    path: '/admin/beacon_user/import',
    summary: "Import up to 100 of a member's existing users into a program (onboarding)",
    plane: 'admin',
    request: AdminBeaconUserImportRequest,
    response: AdminBeaconUserImportResponse,
    maxBodyBytes: 1024 * 1024,
    handle: ({ programs, input }) => programs.importBeaconUsers(input.program_id, input.users),
  });

  register(app, {
    path: '/admin/fanout/dead_letter/list',
    summary: 'List the fan-out pages that failed every retry, newest first',
    plane: 'admin',
    request: AdminFanoutDeadLetterListRequest,
    response: AdminFanoutDeadLetterListResponse,
    handle: ({ storage, secrets, input }) => listFanoutDeadLetters(storage, secrets, input.cursor),
  });

  register(app, {
    path: '/admin/fanout/dead_letter/retry',
    summary: 'Send a dead-lettered fan-out page again',
    plane: 'admin',
    request: AdminFanoutDeadLetterRetryRequest,
    response: FanoutDeadLetter,
    handle: ({ env, storage, input }) => retryFanoutDeadLetter(storage, input.dead_letter_id, (page) => sendFanoutPages(env, [{ page }])),
  });

  register(app, {
    path: '/admin/key_rotation/start',
    summary: 'Start bringing every stored row to the current keys, in the background',
    plane: 'admin',
    response: AdminKeyRotationResponse,
    request: AdminKeyRotationRequest,
    async handle({ env, storage, secrets }) {
      await sendRotationSteps(env, await startRotation(storage, secrets));
      return rotationStatus(storage, secrets);
    },
  });

  register(app, {
    path: '/admin/key_rotation/status',
    summary: 'Where the rotation to the current keys stands',
    plane: 'admin',
    response: AdminKeyRotationResponse,
    request: AdminKeyRotationRequest,
    handle: ({ storage, secrets }) => rotationStatus(storage, secrets),
  });
}
