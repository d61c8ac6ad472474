import { createProgram, getProgram, listPrograms, programView, updateProgram } from '../domain/programs';
import { register, type App } from '../http/endpoint';
import { reviewInProgram } from './beacon-users';
import {
  DashboardUserReviewRequest,
  ProgramCreateRequest,
  ProgramGetRequest,
  ProgramListRequest,
  ProgramUpdateRequest,
} from '../schemas/dashboard';

/** What a member company's analysts do in Plaid's web Dashboard (PRODUCT.md §2). */
export function registerDashboardRoutes(app: App): void {
  register(app, {
    path: '/dashboard/program/create',
    plane: 'dashboard',
    request: ProgramCreateRequest,
    handle: async ({ db, client, input }) => programView(await createProgram(db, client.id, input)),
  });

  register(app, {
    path: '/dashboard/program/get',
    plane: 'dashboard',
    request: ProgramGetRequest,
    handle: async ({ db, client, input }) => programView(await getProgram(db, client.id, input.program_id)),
  });

  register(app, {
    path: '/dashboard/program/list',
    plane: 'dashboard',
    request: ProgramListRequest,
    handle: ({ db, secrets, client, input }) => listPrograms(db, secrets, client.id, input.cursor),
  });

  register(app, {
    path: '/dashboard/program/update',
    plane: 'dashboard',
    request: ProgramUpdateRequest,
    handle: async ({ db, client, input }) => programView(await updateProgram(db, client.id, input)),
  });

  register(app, {
    path: '/dashboard/user/review',
    plane: 'dashboard',
    request: DashboardUserReviewRequest,
    handle: ({ env, db, client, actor, input }) => reviewInProgram(env, db, client, actor, input),
  });
}
