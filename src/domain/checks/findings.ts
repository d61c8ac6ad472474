/** The three checks of PRODUCT.md §5.2 on every create and update of a Beacon User:
 *  1. duplicates — other users of the program that satisfy a program duplicate rule;
 *  2. own reports — active reports of this client (any program) that satisfy a network rule;
 *  3. network reports — active reports of other clients that satisfy a network rule.
 * Checks 2 and 3 read the network index before the program's Durable Object
 * (reports/network-index.ts); inside it, one read batch brings the duplicate candidates and
 * what is already recorded, and one write batch records what is new. A finding is recorded
 * once: a pair once, a report (or its successor on the same reported user) once per user. */
import { and, eq, inArray, or } from 'drizzle-orm';
import { userShard, type ShardDb } from '../../db';
import { newId } from '../../lib/ids';
import type { Secrets } from '../../secrets';
import { openIdentity, type CurrentUser } from '../beacon-users/store';
import { hotKeys } from '../blocking-index';
import type { Changeset } from '../changeset';
import { compareNormalised, normaliseIdentity, toMatchSummaryAnalysis, toReportSyndicationAnalysis, type MatchAnalysis, type NormalisedIdentity } from '../../matching/compare';
import { matchingRule } from '../../matching/rules';
import type { ProgramSettings } from '../../matching/settings';
import type { IndexedReport, ReportHit } from '../reports/network-index';

const { beaconDuplicates, reportSyndications } = userShard;

/** The user being checked, at the version being written. */
export interface Subject {
  id: string;
  clientId: string;
  programId: string;
  version: number;
  identity: NormalisedIdentity;
}

export interface DuplicateFinding {
  other: { id: string; version: number };
  analysis: MatchAnalysis;
}

export interface ReportFinding {
  report: IndexedReport;
  analysis: MatchAnalysis;
  /** The user's existing syndication of an earlier report on the same reported user, which
   * this finding brings up to date instead of syndicating again. */
  supersedes: string | null;
}

export interface Findings {
  duplicates: DuplicateFinding[];
  ownReports: ReportFinding[];
  networkReports: ReportFinding[];
}

/** Syndications a user already has: by reported user, the syndication and its report. */
export type KnownSyndications = Map<string, { id: string; reportId: string }>;

/** What a user's syndications say, for one D1 batch. */
export function selectSyndicationsOf(db: ShardDb, beaconUserIds: string[]) {
  return db
    .select({ id: reportSyndications.id, beaconUserId: reportSyndications.beaconUserId, reportedUserId: reportSyndications.reportedUserId, reportId: reportSyndications.reportId })
    .from(reportSyndications)
    .where(inArray(reportSyndications.beaconUserId, beaconUserIds));
}

export function knownSyndications(rows: { beaconUserId: string; reportedUserId: string; id: string; reportId: string }[], beaconUserId: string): KnownSyndications {
  return new Map(rows.filter((r) => r.beaconUserId === beaconUserId).map((r) => [r.reportedUserId, { id: r.id, reportId: r.reportId }]));
}

/** The pairs a user is already recorded in, for one D1 batch. */
export function selectRecordedPairs(db: ShardDb, beaconUserId: string) {
  return db
    .select({ pair: beaconDuplicates.pair })
    .from(beaconDuplicates)
    .where(or(eq(beaconDuplicates.beaconUser1Id, beaconUserId), eq(beaconDuplicates.beaconUser2Id, beaconUserId)));
}

/** A duplicate candidate: another user of the program at its current version. */
export interface Candidate {
  id: string;
  version: number;
  identity: NormalisedIdentity;
}

/** Opens candidates read from the shard, for comparing. */
export function openCandidates(secrets: Secrets, rows: CurrentUser[]): Promise<Candidate[]> {
  return Promise.all(rows.map(async (row) => ({ id: row.id, version: row.version, identity: normaliseIdentity(await openIdentity(secrets.piiKey, row.id, row.sealed)) })));
}

/** Check 1: candidates of the program that satisfy a duplicate rule and are not yet a
 * recorded pair with the subject. */
export function findDuplicates(subject: Subject, candidates: Candidate[], recordedPairs: { pair: string }[], settings: ProgramSettings): DuplicateFinding[] {
  const recorded = new Set(recordedPairs.map((p) => p.pair));
  return candidates
    .filter((c) => c.id !== subject.id && !recorded.has(pairOf(subject.id, c.id)))
    .map((c) => ({ other: { id: c.id, version: c.version }, analysis: compareNormalised(subject.identity, c.identity) }))
    .filter(({ analysis }) => matchingRule(analysis, settings.duplicate_rules));
}

/** Checks 2 and 3, inside the program's Durable Object: the network index's hits that stand
 * in this program (they share a key that is not common here — the same keys a report's
 * fan-out walks, so the outcome does not depend on which side came first) and are new. */
export function reportFindings(
  subject: Pick<Subject, 'clientId'>,
  hits: ReportHit[],
  counts: { key: string; users: number }[],
  known: KnownSyndications,
): Pick<Findings, 'ownReports' | 'networkReports'> {
  const hot = hotKeys(counts);
  const fresh = hits
    .filter((hit) => hit.keys.some((key) => !hot.has(key)))
    .filter((hit) => known.get(hit.report.beaconUserId)?.reportId !== hit.report.id)
    .map((hit) => ({ report: hit.report, analysis: hit.analysis, supersedes: known.get(hit.report.beaconUserId)?.id ?? null }));
  return {
    ownReports: fresh.filter((f) => f.report.clientId === subject.clientId),
    networkReports: fresh.filter((f) => f.report.clientId !== subject.clientId),
  };
}

/** Adds the findings to `changes`: each duplicate with DUPLICATE_DETECTED, each report
 * finding as a syndication with REPORT_SYNDICATION_CREATED. */
export function recordFindings(db: ShardDb, changes: Changeset, subject: Subject, findings: Findings): void {
  for (const { other, analysis } of findings.duplicates) {
    const id = newId('duplicate');
    changes.add(
      db.insert(beaconDuplicates).values({
        id,
        clientId: subject.clientId,
        programId: subject.programId,
        beaconUser1Id: subject.id,
        beaconUser1Version: subject.version,
        beaconUser2Id: other.id,
        beaconUser2Version: other.version,
        pair: pairOf(subject.id, other.id),
        analysis: toMatchSummaryAnalysis(analysis),
        createdAt: changes.now,
      }),
    );
    changes.event(subject.clientId, { webhook_code: 'DUPLICATE_DETECTED', beacon_duplicate_id: id });
  }
  for (const finding of [...findings.ownReports, ...findings.networkReports]) recordSyndication(db, changes, subject, finding);
}

/** A report reached a user. A report re-created on the same reported user updates the
 * user's existing syndication: one notification per fact (docs/security.md). */
export function recordSyndication(db: ShardDb, changes: Changeset, subject: Pick<Subject, 'id' | 'clientId' | 'programId'>, { report, analysis, supersedes }: ReportFinding): void {
  const reportColumns = {
    reportId: report.id,
    reportClientId: report.clientId,
    reportProgramId: report.programId,
    reportedUserId: report.beaconUserId,
    analysis: toReportSyndicationAnalysis(analysis),
  };
  if (supersedes) {
    changes.add(
      db
        .update(reportSyndications)
        .set(reportColumns)
        .where(and(eq(reportSyndications.id, supersedes), eq(reportSyndications.beaconUserId, subject.id))),
    );
    return;
  }
  const id = newId('syndication');
  changes.add(
    db.insert(reportSyndications).values({ id, clientId: subject.clientId, programId: subject.programId, beaconUserId: subject.id, ...reportColumns, createdAt: changes.now }),
  );
  changes.event(subject.clientId, { webhook_code: 'REPORT_SYNDICATION_CREATED', beacon_report_syndication_id: id });
}

/** A pair of users is recorded once, whichever of them was written. */
export const pairOf = (a: string, b: string) => (a < b ? `${a}:${b}` : `${b}:${a}`);
