import { identityView, type Identity } from './identity';
import type { BeaconUserRow, BeaconUserVersionRow } from './store';

/** The spec's `BeaconUser`: one version of a user, with that version's audit trail. */
export function beaconUserView(user: BeaconUserRow, version: BeaconUserVersionRow, identity: Identity) {
  return {
    item_ids: [] as string[],
    id: user.id,
    version: version.version,
    created_at: user.createdAt,
    updated_at: version.createdAt,
    status: version.status,
    program_id: user.programId,
    client_user_id: user.clientUserId,
    user: identityView(identity),
    audit_trail: {
      source: version.auditSource,
      dashboard_user_id: version.auditDashboardUserId,
      timestamp: version.createdAt,
    },
  };
}

export type BeaconUserView = ReturnType<typeof beaconUserView>;
