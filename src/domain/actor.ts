/** Who made a change, as recorded in audit trails (the spec's BeaconAuditTrailSource). */
export interface Actor {
  source: 'api' | 'dashboard' | 'system' | 'bulk_import';
  /** The analyst, for dashboard changes. */
  dashboardUserId: string | null;
}

/** The network itself: report fan-out, a report's own effect on its user. */
export const SYSTEM: Actor = { source: 'system', dashboardUserId: null };

/** The operator's import of a member's existing users. */
export const BULK_IMPORT: Actor = { source: 'bulk_import', dashboardUserId: null };
