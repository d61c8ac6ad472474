import { createProgram, getProgram, listPrograms, programView } from '../domain/programs';
import { register, type App } from '../http/endpoint';
import { DashboardUserReviewRequest, Program, ProgramCreateRequest, ProgramGetRequest, ProgramListRequest, ProgramListResponse, ProgramUpdateRequest } from '../schemas/dashboard';
import { plaidResponse } from '../schemas/plaid';

/** What a member company's analysts do in Plaid's web Dashboard (docs/product.md §2). */
export function registerDashboardRoutes(app: App): void {
  register(app, {
    path: '/dashboard/program/create',
    summary: 'Create a Beacon Program with its matching settings (defaults filled in)',
    plane: 'dashboard',
    request: ProgramCreateRequest,
    response: Program,
    handle: async ({ storage, client, input }) => programView(await createProgram(storage, client, input)),
  });

  register(app, {
    path: '/dashboard/program/get',
    summary: 'Get a program and its settings',
    plane: 'dashboard',
    request: ProgramGetRequest,
    response: Program,
    handle: async ({ storage, client, input }) => programView(await getProgram(storage, client.id, input.program_id)),
  });

  register(app, {
    path: '/dashboard/program/list',
    summary: "List the member's programs",
    plane: 'dashboard',
    request: ProgramListRequest,
    response: ProgramListResponse,
    handle: ({ storage, secrets, client, input }) => listPrograms(storage, secrets, client.id, input.cursor),
  });

  register(app, {
    path: '/dashboard/program/update',
    summary: 'Rename a program or change its settings',
    plane: 'dashboard',
    request: ProgramUpdateRequest,
    response: Program,
    handle: async ({ programs, client, input }) =>
      programView(await programs.updateProgram({ clientId: client.id, programId: input.program_id, name: input.name, settings: input.settings })),
  });

  register(app, {
    path: '/dashboard/user/review',
    summary: 'Review a Beacon User as an analyst (audit source dashboard)',
    plane: 'dashboard',
    request: DashboardUserReviewRequest,
    response: plaidResponse('BeaconUserGetResponse'),
    handle: ({ programs, client, actor, input }) => programs.reviewBeaconUser(client.id, { beaconUserId: input.beacon_user_id, status: input.status }, actor),
  });
}
