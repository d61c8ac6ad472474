/** The three checks of docs/product.md §5.2 on every create and update of a Beacon User:
 *  1. duplicates — other users of the program that satisfy a program duplicate rule (or, where
 *     the program decides duplicates by weight, whose match weight reaches its threshold);
 *  2. own reports — active reports of this client (any program) whose match weight reaches
 *     the network threshold, no guard holding (matching/weights.ts);
 *  3. network reports — the same, for active reports of other clients.
 * Every finding records its weight and each field's part in it. Term counts (how many users
 * of the program carry an agreed value) come from the key counts the check reads anyway.
 * Checks 2 and 3 read the network index before the program's Durable Object
 * (reports/network-index.ts); inside it, one read batch brings the duplicate candidates and
 * what is already recorded, and one write batch records what is new. A finding is recorded
 * once: a pair once, a report (or its successor on the same reported user) once per user. */
import { and, eq, inArray, or } from 'drizzle-orm';
import { userShard, type ShardDb } from '../../db';
import { newId } from '../../lib/ids';
import type { Secrets } from '../../secrets';
import { openIdentity, type CurrentUser } from '../beacon-users/store';
import { hotKeys, pairTermCounts, type KeyFields } from '../blocking-index';
import type { Changeset } from '../changeset';
import { compareNormalised, normaliseIdentity, toMatchSummaryAnalysis, toReportSyndicationAnalysis, type MatchAnalysis, type NormalisedIdentity } from '../../matching/compare';
import { toNetworkSyndicationAnalysis } from '../../matching/disclosure';
import { matchingRule } from '../../matching/rules';
import type { ProgramSettings } from '../../matching/settings';
import { decides, duplicateWeight, networkWeight, type MatchWeight } from '../../matching/weights';
import type { IndexedReport, ReportHit } from '../reports/network-index';

const { beaconDuplicates, reportSyndications } = userShard;

/** The user being checked, at the version being written. */
export interface Subject {
  id: string;
  clientId: string;
  programId: string;
  version: number;
  identity: NormalisedIdentity;
  /** The field of each of its lookup keys, and the keys the program's counts already count
   * for it (an update's previous keys; none on create). */
  keyFields: KeyFields;
  carries: string[];
}

export interface DuplicateFinding {
  other: { id: string; version: number };
  analysis: MatchAnalysis;
  weight: MatchWeight;
}

export interface ReportFinding {
  report: IndexedReport;
  analysis: MatchAnalysis;
  weight: MatchWeight;
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
  /** Its blocking keys: those it shares with the subject weigh the pair's agreements. */
  keys: string[];
}

/** Opens candidates read from the shard, for comparing. */
export function openCandidates(secrets: Secrets, rows: CurrentUser[]): Promise<Candidate[]> {
  return Promise.all(
    rows.map(async (row) => ({ id: row.id, version: row.version, keys: row.blockingKeys, identity: normaliseIdentity(await openIdentity(secrets.piiKey, row.id, row.sealed)) })),
  );
}

/** Check 1: candidates of the program that are duplicates of the subject — by the program's
 * rules, or by weight where it chose that — and are not yet a recorded pair with it.
 * `counts`: how many users of the program carry each of the subject's keys. */
export function findDuplicates(
  subject: Subject,
  candidates: Candidate[],
  recordedPairs: { pair: string }[],
  settings: ProgramSettings,
  counts: { key: string; users: number }[],
): DuplicateFinding[] {
  const recorded = new Set(recordedPairs.map((p) => p.pair));
  const byWeight = settings.duplicate_decision === 'weights';
  const threshold = settings.duplicate_weight_threshold;
  return candidates
    .filter((c) => c.id !== subject.id && !recorded.has(pairOf(subject.id, c.id)))
    .map((c) => {
      const analysis = compareNormalised(subject.identity, c.identity);
      const shared = c.keys.filter((key) => key in subject.keyFields);
      return {
        other: { id: c.id, version: c.version },
        analysis,
        weight: duplicateWeight(analysis, pairTermCounts(shared, subject.keyFields, counts, subject.carries), threshold),
      };
    })
    .filter(({ analysis, weight }) => (byWeight ? decides(weight) : matchingRule(analysis, settings.duplicate_rules) !== null));
}

/** Checks 2 and 3, inside the program's Durable Object: the network index's hits that stand
 * in this program (they share a key that is not common here — the same keys a report's
 * fan-out walks, so the outcome does not depend on which side came first) and are new. */
export function reportFindings(
  subject: Pick<Subject, 'clientId' | 'keyFields' | 'carries'>,
  hits: ReportHit[],
  counts: { key: string; users: number }[],
  known: KnownSyndications,
): Pick<Findings, 'ownReports' | 'networkReports'> {
  const hot = hotKeys(counts);
  const fresh = hits
    .filter((hit) => hit.keys.some((key) => !hot.has(key)))
    .filter((hit) => known.get(hit.report.beaconUserId)?.reportId !== hit.report.id)
    // The hit took the weight without term counts (they only lower it); now with them.
    .map((hit) => ({ ...hit, weight: networkWeight(hit.analysis, pairTermCounts(hit.keys, subject.keyFields, counts, subject.carries)) }))
    .filter((hit) => decides(hit.weight))
    .map((hit) => ({ report: hit.report, analysis: hit.analysis, weight: hit.weight, supersedes: known.get(hit.report.beaconUserId)?.id ?? null }));
  return {
    ownReports: fresh.filter((f) => f.report.clientId === subject.clientId),
    networkReports: fresh.filter((f) => f.report.clientId !== subject.clientId),
  };
}

/** What a syndication shows its member: the full analysis of its own report; of another
 * member's, only what it supplied itself and whether that matched (matching/disclosure.ts).
 * The network rules were evaluated on the full analysis. */
export function shownAnalysis(subject: Pick<Subject, 'clientId' | 'identity'>, { report, analysis }: Pick<ReportFinding, 'report' | 'analysis'>) {
  return report.clientId === subject.clientId ? toReportSyndicationAnalysis(analysis) : toNetworkSyndicationAnalysis(analysis, subject.identity);
}
export type ShownAnalysis = ReturnType<typeof shownAnalysis>;

/** A report reaching a user, as a syndication records it. */
export interface Syndication {
  report: IndexedReport;
  shown: ShownAnalysis;
  /** The weight that decided it (null: a held match released by the operator). */
  weight: MatchWeight | null;
  /** The syndication of an earlier report on the same reported user that this brings up
   * to date, if any. */
  supersedes: string | null;
}

/** Adds the findings to `changes`: each duplicate with DUPLICATE_DETECTED, each report
 * finding as a syndication with REPORT_SYNDICATION_CREATED. */
export function recordFindings(db: ShardDb, changes: Changeset, subject: Subject, findings: Findings): void {
  for (const { other, analysis, weight } of findings.duplicates) {
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
        matchWeight: weight,
        createdAt: changes.now,
      }),
    );
    changes.event(subject.clientId, { webhook_code: 'DUPLICATE_DETECTED', beacon_duplicate_id: id });
  }
  for (const finding of [...findings.ownReports, ...findings.networkReports]) {
    recordSyndication(db, changes, subject, { report: finding.report, shown: shownAnalysis(subject, finding), weight: finding.weight, supersedes: finding.supersedes });
  }
}

/** A report reached a user. A report re-created on the same reported user updates the
 * user's existing syndication: one notification per fact (docs/security.md). */
export function recordSyndication(
  db: ShardDb,
  changes: Changeset,
  subject: Pick<Subject, 'id' | 'clientId' | 'programId'>,
  { report, shown, weight, supersedes }: Syndication,
): void {
  const reportColumns = {
    reportId: report.id,
    reportClientId: report.clientId,
    reportProgramId: report.programId,
    reportedUserId: report.beaconUserId,
    analysis: shown,
    matchWeight: weight,
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
