/** Everything the console shows about one Beacon User (docs/product.md §8, the user's page): its
 * current version, status and why, what the review rules allow, its versions, duplicates
 * (both users as compared, field by field, and their match weight), syndications (the
 * report's facts and the analysis — never the reporting member's data; the weight of the
 * member's own reports only), reports, notes, and who did what. Each
 * list is its newest page; every read is bounded. */
import { and, desc, eq, inArray, or } from 'drizzle-orm';
import { userShard, type Storage } from '../../db';
import { PAGE_SIZE } from '../../lib/cursor';
import { compareIdentities, type MatchAnalysis, type toReportSyndicationAnalysis } from '../../matching/compare';
import type { Secrets } from '../../secrets';
import { dashboardUsersById } from '../analysts/accounts';
import { getProgram } from '../programs';
import { syndicationViews } from '../reports/reads';
import { reportView } from '../reports/view';
import type { Identity } from './identity';
import { openNotes, selectNotes } from './notes';
import { readReviewFacts, reviewOptions } from './review';
import { locateBeaconUser, openIdentity, type BeaconUserVersionRow } from './store';
import { beaconUserView } from './view';

const { beaconDuplicates, beaconReports, beaconUserVersions, beaconUsers, reportSyndications } = userShard;

type DuplicateAnalysis = Omit<MatchAnalysis, 'depository_accounts'>;
type SyndicationAnalysis = ReturnType<typeof toReportSyndicationAnalysis>;

export async function readCaseFile(storage: Storage, secrets: Secrets, clientId: string, beaconUserId: string) {
  const { shard, record } = await locateBeaconUser(storage, clientId, beaconUserId);
  const db = storage.userShard(shard);
  const { user } = record;
  const [versions, duplicates, syndications, reports, noteRows] = await db.batch([
    db.select().from(beaconUserVersions).where(eq(beaconUserVersions.beaconUserId, user.id)).orderBy(desc(beaconUserVersions.version)).limit(PAGE_SIZE),
    db
      .select()
      .from(beaconDuplicates)
      .where(or(eq(beaconDuplicates.beaconUser1Id, user.id), eq(beaconDuplicates.beaconUser2Id, user.id)))
      .orderBy(desc(beaconDuplicates.createdAt))
      .limit(PAGE_SIZE),
    db.select().from(reportSyndications).where(eq(reportSyndications.beaconUserId, user.id)).orderBy(desc(reportSyndications.seq)).limit(PAGE_SIZE),
    // Deleted reports too: the user's history shows them.
    db.select().from(beaconReports).where(eq(beaconReports.beaconUserId, user.id)).orderBy(desc(beaconReports.seq)).limit(PAGE_SIZE),
    selectNotes(db, clientId, user.id),
  ]);

  // Both sides of each duplicate as compared: the two users' versions named in it.
  const compared = duplicates.flatMap((d) => [
    { id: d.beaconUser1Id, version: d.beaconUser1Version },
    { id: d.beaconUser2Id, version: d.beaconUser2Version },
  ]);
  const [comparedVersions, others] = compared.length
    ? await db.batch([
        db
          .select()
          .from(beaconUserVersions)
          .where(or(...compared.map((c) => and(eq(beaconUserVersions.beaconUserId, c.id), eq(beaconUserVersions.version, c.version))))),
        db
          .select({ id: beaconUsers.id, clientUserId: beaconUsers.clientUserId, status: beaconUsers.status })
          .from(beaconUsers)
          .where(
            and(
              inArray(
                beaconUsers.id,
                compared.map((c) => c.id),
              ),
              eq(beaconUsers.clientId, clientId),
            ),
          ),
      ])
    : [[], []];

  const opened = new Map<string, Promise<Identity>>();
  const open = (version: Pick<BeaconUserVersionRow, 'beaconUserId' | 'identity'>) => {
    const key = `${version.beaconUserId}\u0000${version.identity}`;
    if (!opened.has(key)) opened.set(key, openIdentity(secrets.piiKey, version.beaconUserId, version.identity));
    return opened.get(key)!;
  };
  const versionOf = (id: string, version: number) => comparedVersions.find((v) => v.beaconUserId === id && v.version === version);

  const [{ facts }, program, syndicationList, notes, identity, versionViews, duplicateList] = await Promise.all([
    readReviewFacts(storage, db, clientId, user.id),
    getProgram(storage, clientId, user.programId),
    syndicationViews(storage, syndications),
    openNotes(secrets, noteRows),
    open(record.version),
    Promise.all(versions.map(async (v) => ({ ...beaconUserView(user, v, await open(v)), status_reason: v.statusReason }))),
    Promise.all(
      duplicates.map(async (d) => {
        const selfIsFirst = d.beaconUser1Id === user.id;
        const self = selfIsFirst ? { id: d.beaconUser1Id, version: d.beaconUser1Version } : { id: d.beaconUser2Id, version: d.beaconUser2Version };
        const other = selfIsFirst ? { id: d.beaconUser2Id, version: d.beaconUser2Version } : { id: d.beaconUser1Id, version: d.beaconUser1Version };
        const selfVersion = versionOf(self.id, self.version);
        const otherVersion = versionOf(other.id, other.version);
        const otherUser = others.find((o) => o.id === other.id);
        if (!selfVersion || !otherVersion || !otherUser) throw new Error(`duplicate ${d.id} refers to a missing version`);
        const [selfIdentity, otherIdentity] = await Promise.all([open(selfVersion), open(otherVersion)]);
        return {
          id: d.id,
          createdAt: d.createdAt,
          analysis: d.analysis as DuplicateAnalysis,
          weight: d.matchWeight,
          // Accounts are not part of a duplicate's recorded analysis (the spec's seven
          // fields); the page shows how they compare under the same engine.
          accounts: compareIdentities(selfIdentity, otherIdentity).depository_accounts.code,
          self: { ...self, identity: selfIdentity },
          other: { ...other, clientUserId: otherUser.clientUserId, status: otherUser.status, identity: otherIdentity },
        };
      }),
    ),
  ]);

  const reportList = reports.map((r) => ({
    ...reportView(r),
    deleted_at: r.deletedAt,
    filed_by: { source: r.createdSource, dashboard_user_id: r.createdDashboardUserId },
  }));
  const syndicationsWithState = syndicationList.map((view) => {
    const row = syndications.find((s) => s.id === view.id)!;
    return {
      ...view,
      analysis: view.analysis as SyndicationAnalysis,
      // Weighed on the full comparison, near misses included: the member's own report only
      // (docs/security.md, "What a syndication shows").
      weight: view.report.id ? row.matchWeight : null,
      created_at: row.createdAt,
      confirmed_at: row.confirmedAt,
      confirmed_by: row.confirmedBy,
    };
  });
  const actorIds = [
    ...versions.map((v) => v.auditDashboardUserId),
    ...reports.flatMap((r) => [r.auditDashboardUserId, r.createdDashboardUserId]),
    ...syndications.map((s) => s.confirmedBy),
    ...notes.map((n) => n.dashboardUserId),
  ].filter((id): id is string => id !== null);

  return {
    user: { ...beaconUserView(user, record.version, identity), status_reason: user.statusReason, status_since: user.statusSince },
    identity,
    program: { id: program.id, name: program.name },
    reviewOptions: reviewOptions(facts),
    activeReport: reportList.find((r) => r.deleted_at === null) ?? null,
    versions: versionViews,
    duplicates: duplicateList,
    syndications: syndicationsWithState,
    reports: reportList,
    notes,
    analysts: await dashboardUsersById(storage, secrets, clientId, actorIds),
  };
}

export type CaseFile = Awaited<ReturnType<typeof readCaseFile>>;
