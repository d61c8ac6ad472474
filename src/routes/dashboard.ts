import { createProgram, getProgram, listPrograms, programView } from '../domain/programs';
import { register, type App } from '../http/endpoint';
import { DashboardUserReviewRequest, ProgramCreateRequest, ProgramGetRequest, ProgramListRequest, ProgramUpdateRequest } from '../schemas/dashboard';

/** What a member company's analysts do in Plaid's web Dashboard (PRODUCT.md §2). */
export function registerDashboardRoutes(app: App): void {
  register(app, {
    path: '/dashboard/program/create',
    plane: 'dashboard',
    request: ProgramCreateRequest,
    handle: async ({ storage, client, input }) => programView(await createProgram(storage, client, input)),
  });

  register(app, {
    path: '/dashboard/program/get',
    plane: 'dashboard',
    request: ProgramGetRequest,
    handle: async ({ storage, client, input }) => programView(await getProgram(storage, client.id, input.program_id)),
  });

  register(app, {
    path: '/dashboard/program/list',
    plane: 'dashboard',
    request: ProgramListRequest,
    handle: ({ storage, secrets, client, input }) => listPrograms(storage, secrets, client.id, input.cursor),
  });

  register(app, {
    path: '/dashboard/program/update',
    plane: 'dashboard',
    request: ProgramUpdateRequest,
    handle: async ({ programs, client, input }) =>
      programView(await programs.updateProgram({ clientId: client.id, programId: input.program_id, name: input.name, settings: input.settings })),
  });

  register(app, {
    path: '/dashboard/user/review',
    plane: 'dashboard',
    request: DashboardUserReviewRequest,
    handle: ({ programs, client, actor, input }) => programs.reviewBeaconUser(client.id, { beaconUserId: input.beacon_user_id, status: input.status }, actor),
  });
}
