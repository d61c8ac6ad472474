import type { Database } from '../../db';
import { decodeCursor, encodeCursor, page } from '../../lib/cursor';
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
  const scope = `reports:${clientId}:${user.id}`;
  const before = cursor ? Number(await decodeCursor(secrets.hmacKey, scope, cursor)) : Number.MAX_SAFE_INTEGER;
  const { items, hasMore } = page(await selectReportsOfUser(db, user.id, before));
  const last = items.at(-1);
  return {
    beacon_reports: items.map(reportView),
    next_cursor: hasMore && last ? await encodeCursor(secrets.hmacKey, scope, last.seq) : null,
  };
}

export async function getSyndication(db: Database, clientId: string, syndicationId: string) {
  const { syndication, report } = await loadSyndication(db, clientId, syndicationId);
  return syndicationView(syndication, report);
}

/** A user's syndications, newest first. */
export async function listSyndications(db: Database, secrets: Secrets, clientId: string, beaconUserId: string, cursor: string | null | undefined) {
  const { user } = await loadBeaconUser(db, clientId, beaconUserId);
  const scope = `syndications:${clientId}:${user.id}`;
  const before = cursor ? Number(await decodeCursor(secrets.hmacKey, scope, cursor)) : Number.MAX_SAFE_INTEGER;
  const { items, hasMore } = page(await selectSyndicationsOfUser(db, user.id, before));
  const last = items.at(-1);
  return {
    beacon_report_syndications: items.map(({ syndication, report }) => syndicationView(syndication, report)),
    next_cursor: hasMore && last ? await encodeCursor(secrets.hmacKey, scope, last.syndication.seq) : null,
  };
}
