/** The three checks of PRODUCT.md §5.2, run on every create and every update of a Beacon
 * User, inside its program's Durable Object:
 *  1. duplicates — other users of the program that satisfy a program duplicate rule;
 *  2. own reports — active reports of this client (any program) that satisfy a network rule;
 *  3. network reports — active reports of other clients that satisfy a network rule.
 * Only new findings are recorded (a pair or a report is recorded once per user), and the
 * outcome can only raise the user's status: rejected > pending_review > cleared. */
import { and, eq, inArray, isNull } from 'drizzle-orm';
import type { Database } from '../db';
import { beaconDuplicates, beaconReports, beaconUserVersions, reportSyndications } from '../db/schema';
import { newId } from '../lib/ids';
import type { Secrets } from '../secrets';
import { openIdentity, selectBeaconUsers, type BeaconUserRecord, type BeaconUserStatus } from './beacon-users/store';
import type { Changeset } from './changeset';
import { compareNormalised, normaliseIdentity, toMatchSummaryAnalysis, toReportSyndicationAnalysis, type MatchAnalysis, type NormalisedIdentity } from './matching/compare';
import { matchingRule, NETWORK_RULES } from './matching/rules';
import type { ProgramSettings } from './programs';
import type { ReportRow } from './reports/view';

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
  report: ReportRow;
  analysis: MatchAnalysis;
}

export interface Findings {
  duplicates: DuplicateFinding[];
  ownReports: ReportFinding[];
  networkReports: ReportFinding[];
}

const RANK: Record<BeaconUserStatus, number> = { cleared: 0, pending_review: 1, rejected: 2 };

/** The stronger of two statuses. */
export function escalate(current: BeaconUserStatus, outcome: BeaconUserStatus): BeaconUserStatus {
  return RANK[outcome] > RANK[current] ? outcome : current;
}

/** What the new findings make of the user's status. */
export function outcomeOf(findings: Findings, settings: ProgramSettings): BeaconUserStatus {
  if (findings.ownReports.length) return 'rejected';
  if (settings.flag_network_fraud && findings.networkReports.length) return 'pending_review';
  if (settings.duplicates_to_pending_review && findings.duplicates.length) return 'pending_review';
  return 'cleared';
}

/** The candidates of a check: the ids found through the blocking index (see
 * `selectCandidateUsers` and `selectCandidateReports`, read in the caller's batch). */
export interface Candidates {
  users: { id: string }[];
  reports: { id: string }[];
}

/** Runs the checks for `subject` against its candidates. */
export async function findMatches(db: Database, secrets: Secrets, subject: Subject, candidates: Candidates, settings: ProgramSettings): Promise<Findings> {
  const userIds = candidates.users.map((u) => u.id);
  const reportIds = candidates.reports.map((r) => r.id);
  const [others, reports] = await Promise.all([currentIdentities(db, secrets, userIds), reportedIdentities(db, secrets, reportIds)]);

  const duplicates = others
    .map(({ record, identity }) => ({ other: { id: record.user.id, version: record.user.version }, analysis: compareNormalised(subject.identity, identity) }))
    .filter(({ analysis }) => matchingRule(analysis, settings.duplicate_rules));
  const hits = reports
    // A user is not matched against its own report.
    .filter(({ report }) => report.beaconUserId !== subject.id)
    .map(({ report, identity }) => ({ report, analysis: compareNormalised(subject.identity, identity) }))
    .filter(({ analysis }) => matchingRule(analysis, NETWORK_RULES));

  const [knownPairs, knownReports] = await Promise.all([
    recordedPairs(db, subject.id, duplicates.map((d) => d.other.id)),
    syndicatedReports(db, subject.id, hits.map((h) => h.report.id)),
  ]);
  const fresh = hits.filter((h) => !knownReports.has(h.report.id));
  return {
    duplicates: duplicates.filter((d) => !knownPairs.has(pairOf(subject.id, d.other.id))),
    ownReports: fresh.filter((h) => h.report.clientId === subject.clientId),
    networkReports: fresh.filter((h) => h.report.clientId !== subject.clientId),
  };
}

/** Adds the findings to `changes`: each duplicate with DUPLICATE_DETECTED, each report hit
 * as a syndication with REPORT_SYNDICATION_CREATED. */
export function recordFindings(db: Database, changes: Changeset, subject: Subject, findings: Findings): void {
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

export function recordSyndication(db: Database, changes: Changeset, subject: Omit<Subject, 'identity' | 'version'>, { report, analysis }: ReportFinding): void {
  const id = newId('syndication');
  changes.add(
    db.insert(reportSyndications).values({
      id,
      clientId: subject.clientId,
      programId: subject.programId,
      beaconUserId: subject.id,
      reportId: report.id,
      analysis: toReportSyndicationAnalysis(analysis),
      createdAt: changes.now,
    }),
  );
  changes.event(subject.clientId, { webhook_code: 'REPORT_SYNDICATION_CREATED', beacon_report_syndication_id: id });
}

/** A pair of users is recorded once, whichever of them was written. */
const pairOf = (a: string, b: string) => (a < b ? `${a}:${b}` : `${b}:${a}`);

async function recordedPairs(db: Database, subjectId: string, otherIds: string[]): Promise<Set<string>> {
  if (!otherIds.length) return new Set();
  const pairs = otherIds.map((other) => pairOf(subjectId, other));
  const rows = await db.select({ pair: beaconDuplicates.pair }).from(beaconDuplicates).where(inArray(beaconDuplicates.pair, pairs)).all();
  return new Set(rows.map((r) => r.pair));
}

async function syndicatedReports(db: Database, beaconUserId: string, reportIds: string[]): Promise<Set<string>> {
  if (!reportIds.length) return new Set();
  const rows = await db
    .select({ reportId: reportSyndications.reportId })
    .from(reportSyndications)
    .where(and(eq(reportSyndications.beaconUserId, beaconUserId), inArray(reportSyndications.reportId, reportIds)))
    .all();
  return new Set(rows.map((r) => r.reportId));
}

/** Users with their current version and identity (normalised for comparing). */
export async function currentIdentities(db: Database, secrets: Secrets, userIds: string[]) {
  if (!userIds.length) return [];
  const records = (await selectBeaconUsers(db, userIds).all()) as BeaconUserRecord[];
  return Promise.all(
    records.map(async (record) => ({ record, identity: normaliseIdentity(await openIdentity(secrets.piiKey, record.user.id, record.version.identity)) })),
  );
}

/** Active reports with the identity they were made on (their user's version at the time). */
export async function reportedIdentities(db: Database, secrets: Secrets, reportIds: string[]): Promise<{ report: ReportRow; identity: NormalisedIdentity }[]> {
  if (!reportIds.length) return [];
  const rows = await db
    .select({ report: beaconReports, sealed: beaconUserVersions.identity })
    .from(beaconReports)
    .innerJoin(
      beaconUserVersions,
      and(eq(beaconUserVersions.beaconUserId, beaconReports.beaconUserId), eq(beaconUserVersions.version, beaconReports.beaconUserVersion)),
    )
    .where(and(inArray(beaconReports.id, reportIds), isNull(beaconReports.deletedAt)))
    .all();
  return Promise.all(
    rows.map(async ({ report, sealed }) => ({
      report: report as ReportRow,
      identity: normaliseIdentity(await openIdentity(secrets.piiKey, report.beaconUserId, sealed)),
    })),
  );
}

