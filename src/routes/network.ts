import { dismissHeldMatch, listHeldMatches, listMatchCounts } from '../domain/checks/held-matches';
import { register, type App } from '../http/endpoint';
import {
  AdminHeldMatchDismissRequest,
  AdminHeldMatchListRequest,
  AdminHeldMatchListResponse,
  AdminHeldMatchReleaseRequest,
  AdminHeldMatchResponse,
  AdminMatchCountListRequest,
  AdminMatchCountListResponse,
} from '../schemas/network';

/** The operator's view of the bound on repeated matches (docs/security.md): matches held
 * beyond it, released into syndications or dismissed, and the counts per member and
 * reported user. */
export function registerNetworkRoutes(app: App): void {
  register(app, {
    path: '/admin/network/held_match/list',
    summary: 'List the matches held beyond the bound on syndications, newest first',
    plane: 'admin',
    response: AdminHeldMatchListResponse,
    request: AdminHeldMatchListRequest,
    handle: ({ storage, secrets, input }) => listHeldMatches(storage, secrets, input),
  });

  register(app, {
    path: '/admin/network/held_match/release',
    summary: 'Release a held match: its syndication reaches the member',
    plane: 'admin',
    response: AdminHeldMatchResponse,
    request: AdminHeldMatchReleaseRequest,
    handle: async ({ programs, input }) => ({ held_match: await programs.releaseHeldMatch(input.held_match_id) }),
  });

  register(app, {
    path: '/admin/network/held_match/dismiss',
    summary: 'Dismiss a held match: it reaches no one',
    plane: 'admin',
    response: AdminHeldMatchResponse,
    request: AdminHeldMatchDismissRequest,
    handle: async ({ storage, input }) => ({ held_match: await dismissHeldMatch(storage, input.held_match_id) }),
  });

  register(app, {
    path: '/admin/network/match_count/list',
    summary: 'List syndications and held matches per member and reported user',
    plane: 'admin',
    response: AdminMatchCountListResponse,
    request: AdminMatchCountListRequest,
    handle: ({ storage, secrets, input }) => listMatchCounts(storage, secrets, input),
  });
}
