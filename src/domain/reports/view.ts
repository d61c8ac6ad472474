import type { userShard } from '../../db';

export type ReportRow = typeof userShard.beaconReports.$inferSelect;
export type SyndicationRow = typeof userShard.reportSyndications.$inferSelect;

/** The spec's `BeaconReport`. */
export function reportView(report: ReportRow) {
  return {
    id: report.id,
    beacon_user_id: report.beaconUserId,
    created_at: report.createdAt,
    type: report.type,
    fraud_date: report.fraudDate,
    event_date: report.eventDate,
    fraud_amount: report.fraudAmount ?? null,
    audit_trail: {
      source: report.auditSource,
      dashboard_user_id: report.auditDashboardUserId,
      timestamp: report.auditTimestamp,
    },
  };
}

/** The spec's `BeaconReportSyndication`: what matched and the report's fraud facts. The
 * original report's id is shown only to the client that made it; another company's user
 * is never described beyond the per-field analysis. */
export function syndicationView(syndication: SyndicationRow, report: ReportRow) {
  return {
    id: syndication.id,
    beacon_user_id: syndication.beaconUserId,
    report: {
      id: report.clientId === syndication.clientId ? report.id : null,
      created_at: report.createdAt,
      type: report.type,
      fraud_date: report.fraudDate,
      event_date: report.eventDate,
    },
    analysis: syndication.analysis,
  };
}
