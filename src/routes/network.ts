import { dismissHeldMatch, listHeldMatches, listMatchCounts } from '../domain/checks/held-matches';
import { register, type App } from '../http/endpoint';
import { AdminHeldMatchDismissRequest, AdminHeldMatchListRequest, AdminHeldMatchReleaseRequest, AdminMatchCountListRequest } from '../schemas/network';

/** The operator's view of the bound on repeated matches (docs/security.md): matches held
 * beyond it, released into syndications or dismissed, and the counts per member and
 * reported user. */
export function registerNetworkRoutes(app: App): void {
  register(app, {
    path: '/admin/network/held_match/list',
    plane: 'admin',
    request: AdminHeldMatchListRequest,
    handle: ({ storage, secrets, input }) => listHeldMatches(storage, secrets, input),
  });

  register(app, {
    path: '/admin/network/held_match/release',
    plane: 'admin',
    request: AdminHeldMatchReleaseRequest,
    handle: async ({ programs, input }) => ({ held_match: await programs.releaseHeldMatch(input.held_match_id) }),
  });

  register(app, {
    path: '/admin/network/held_match/dismiss',
    plane: 'admin',
    request: AdminHeldMatchDismissRequest,
    handle: async ({ storage, input }) => ({ held_match: await dismissHeldMatch(storage, input.held_match_id) }),
  });

  register(app, {
    path: '/admin/network/match_count/list',
    plane: 'admin',
    request: AdminMatchCountListRequest,
    handle: ({ storage, secrets, input }) => listMatchCounts(storage, secrets, input),
  });
}
