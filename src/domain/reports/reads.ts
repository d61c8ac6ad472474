import type { Storage } from '../../db';
import { listPage } from '../../lib/cursor';
import type { Secrets } from '../../secrets';
import { locateBeaconUser } from '../beacon-users/store';
import { locateReport, locateSyndication, reportsOf, selectReportsOfUser, selectSyndicationsOfUser } from './store';
import { reportView, syndicationView, type SyndicationRow } from './view';

export async function getReport(storage: Storage, clientId: string, reportId: string) {
  return reportView((await locateReport(storage, clientId, reportId)).report);
}

/** A user's active reports, newest first. */
export async function listReports(storage: Storage, secrets: Secrets, clientId: string, beaconUserId: string, cursor: string | null | undefined) {
  const { shard, record } = await locateBeaconUser(storage, clientId, beaconUserId);
  const { items, next_cursor } = await listPage(
    secrets.hmacKey,
    `reports:${clientId}:${record.user.id}`,
    cursor,
    (before) => selectReportsOfUser(storage.userShard(shard), record.user.id, before ?? Number.MAX_SAFE_INTEGER),
    (report) => report.seq,
  );
  return { beacon_reports: items.map(reportView), next_cursor };
}

/** Syndications with the facts of the reports they came from (read where those live). */
export async function syndicationViews(storage: Storage, syndications: SyndicationRow[]) {
  const reports = await reportsOf(storage, syndications);
  return syndications.map((syndication) => {
    const report = reports.get(syndication.reportId);
    if (!report) throw new Error(`syndication ${syndication.id} refers to a missing report`);
    return syndicationView(syndication, report);
  });
}

export async function getSyndication(storage: Storage, clientId: string, syndicationId: string) {
  const { syndication } = await locateSyndication(storage, clientId, syndicationId);
  const [view] = await syndicationViews(storage, [syndication]);
  return view!;
}

/** A user's syndications, newest first. */
export async function listSyndications(storage: Storage, secrets: Secrets, clientId: string, beaconUserId: string, cursor: string | null | undefined) {
  const { shard, record } = await locateBeaconUser(storage, clientId, beaconUserId);
  const { items, next_cursor } = await listPage(
    secrets.hmacKey,
    `syndications:${clientId}:${record.user.id}`,
    cursor,
    (before) => selectSyndicationsOfUser(storage.userShard(shard), record.user.id, before ?? Number.MAX_SAFE_INTEGER),
    (row) => row.seq,
  );
  return { beacon_report_syndications: await syndicationViews(storage, items), next_cursor };
}
