import type { Database } from '../../db';
import { listPage } from '../../lib/cursor';
import type { Secrets } from '../../secrets';
import { loadBeaconUser } from '../beacon-users/store';
import { loadReport, loadSyndication, selectReportsOfUser, selectSyndicationsOfUser } from './store';
import { reportView, syndicationView } from './view';

export async function getReport(db: Database, clientId: string, reportId: string) {
  return reportView(await loadReport(db, clientId, reportId));
}

/** A user's active reports, newest first. */
export async function listReports(db: Database, secrets: Secrets, clientId: string, beaconUserId: string, cursor: string | null | undefined) {
  const { user } = await loadBeaconUser(db, clientId, beaconUserId);
  const { items, next_cursor } = await listPage(
    secrets.hmacKey,
    `reports:${clientId}:${user.id}`,
    cursor,
    (before) => selectReportsOfUser(db, user.id, before ?? Number.MAX_SAFE_INTEGER),
    (report) => report.seq,
  );
  return { beacon_reports: items.map(reportView), next_cursor };
}

export async function getSyndication(db: Database, clientId: string, syndicationId: string) {
  const { syndication, report } = await loadSyndication(db, clientId, syndicationId);
  return syndicationView(syndication, report);
}

/** A user's syndications, newest first. */
export async function listSyndications(db: Database, secrets: Secrets, clientId: string, beaconUserId: string, cursor: string | null | undefined) {
  const { user } = await loadBeaconUser(db, clientId, beaconUserId);
  const { items, next_cursor } = await listPage(
    secrets.hmacKey,
    `syndications:${clientId}:${user.id}`,
    cursor,
    (before) => selectSyndicationsOfUser(db, user.id, before ?? Number.MAX_SAFE_INTEGER),
    (row) => row.syndication.seq,
  );
  return { beacon_report_syndications: items.map(({ syndication, report }) => syndicationView(syndication, report)), next_cursor };
}
