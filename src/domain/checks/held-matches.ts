/** Repeated matches of one reported person into one member are bounded (docs/product.md §9,
 * docs/security.md). A member that knows part of a reported person's identity could create
 * users that vary the rest and read which variants match; so a member receives at most
 * SYNDICATIONS_PER_REPORTED_USER syndications of one reported user (another member's
 * report), across all its programs and shards. Further matches are **held**: no
 * syndication, no event, no status change — nothing the member can tell from a non-match —
 * and recorded for the operator, who releases or dismisses each.
 *
 * The count lives in the control database, one row per reported user and member. Each new
 * match takes a slot with one conditional update before its syndication is written, in the
 * writing program's Durable Object (checks 2 and 3 and the fan-out alike): one round trip
 * for all the matches of a write. A write that fails after taking its slot loses the slot,
 * so the bound errs on the side of holding. */
import { and, asc, desc, eq, getTableColumns, gt, gte, lt, sql, type SQL } from 'drizzle-orm';
import type { BatchItem } from 'drizzle-orm/batch';
import { control, type ControlDb, type Storage } from '../../db';
import { errors } from '../../errors';
import { listPage, PAGE_SIZE } from '../../lib/cursor';
import { newId } from '../../lib/ids';
import { nowTimestamp } from '../../lib/time';
import { toReportSyndicationAnalysis } from '../../matching/compare';
import type { Secrets } from '../../secrets';
import type { HeldMatchReason, HeldMatchStatus } from '../../vocabulary';
import { disabledClientIds } from '../clients';
import { reportsOf } from '../reports/store';
import { shownAnalysis, type ReportFinding, type Subject } from './findings';

const { networkMatchCounts, heldMatches } = control;

/** Syndications of one reported user a member receives before further matches are held. */
export const SYNDICATIONS_PER_REPORTED_USER = 3;

export type HeldMatch = typeof heldMatches.$inferSelect;

/** A report finding for one user, about to be recorded. */
export interface NetworkMatch {
  subject: Pick<Subject, 'id' | 'clientId' | 'programId' | 'identity'>;
  finding: ReportFinding;
}

const isNewNetworkMatch = ({ subject, finding }: NetworkMatch) => finding.supersedes === null && finding.report.clientId !== subject.clientId;

const pair = (reportedUserId: string, clientId: string) => and(eq(networkMatchCounts.reportedUserId, reportedUserId), eq(networkMatchCounts.clientId, clientId));

/** Whether each match may become a syndication: one that brings an existing syndication up
 * to date, always; a new one is held while the reporting or the receiving member is disabled
 * (`client_disabled`), and a new match of another member's report if it takes no slot
 * (`bound`). One control-database batch, only when there is a new match. */
export async function admitNetworkMatches(storage: Storage, matches: NetworkMatch[]): Promise<boolean[]> {
  const admitted = matches.map(() => true);
  if (!matches.some(({ finding }) => finding.supersedes === null)) return admitted;
  const disabled = await disabledClientIds(storage);
  const db = storage.control;
  const now = nowTimestamp();
  // For each match in turn, in one transaction: held if a member is disabled; else, for
  // another member's report, held if the pair is already at the bound, then a slot taken if
  // it is not (a later match of the same pair sees the earlier's slot).
  const statements: BatchItem<'sqlite'>[] = [];
  const slots = new Map<number, number>();
  for (const [i, match] of matches.entries()) {
    if (match.finding.supersedes !== null) continue;
    if (disabled.has(match.subject.clientId) || disabled.has(match.finding.report.clientId)) {
      statements.push(
        db
          .insert(heldMatches)
          .values(heldRow(match, 'client_disabled', now))
          .onConflictDoNothing(),
      );
      admitted[i] = false;
    } else if (isNewNetworkMatch(match)) {
      statements.push(holdIfFull(db, match, now));
      slots.set(i, statements.push(takeSlot(db, pairOf(match), now)) - 1);
    }
  }
  if (!statements.length) return admitted;
  const results = (await db.batch(statements as [BatchItem<'sqlite'>])) as unknown[][];
  for (const [i, statement] of slots) admitted[i] = results[statement]!.length > 0;
  return admitted;
}

/** The findings of one user that may be recorded (see `admitNetworkMatches`). */
export async function admitFindings(storage: Storage, subject: NetworkMatch['subject'], findings: ReportFinding[]): Promise<ReportFinding[]> {
  const admitted = await admitNetworkMatches(
    storage,
    findings.map((finding) => ({ subject, finding })),
  );
  return findings.filter((_, i) => admitted[i]);
}

/** A reported user and a receiving member, whose syndications are counted. */
type CountedPair = Pick<HeldMatch, 'reportedUserId' | 'reportClientId' | 'clientId'>;

const pairOf = ({ subject, finding }: NetworkMatch): CountedPair => ({
  reportedUserId: finding.report.beaconUserId,
  reportClientId: finding.report.clientId,
  clientId: subject.clientId,
});

function takeSlot(db: ControlDb, { reportedUserId, reportClientId, clientId }: CountedPair, now: string) {
  return db
    .insert(networkMatchCounts)
    .values({ reportedUserId, reportClientId, clientId, syndications: 1, createdAt: now, updatedAt: now })
    .onConflictDoUpdate({
      target: [networkMatchCounts.reportedUserId, networkMatchCounts.clientId],
      set: { syndications: sql`${networkMatchCounts.syndications} + 1`, updatedAt: now },
      setWhere: lt(networkMatchCounts.syndications, SYNDICATIONS_PER_REPORTED_USER),
    })
    .returning({ syndications: networkMatchCounts.syndications });
}

/** The held match a match would be. */
function heldRow({ subject, finding }: NetworkMatch, reason: HeldMatchReason, now: string) {
  return {
    id: newId('heldMatch'),
    clientId: subject.clientId,
    programId: subject.programId,
    beaconUserId: subject.id,
    reportId: finding.report.id,
    reportClientId: finding.report.clientId,
    reportProgramId: finding.report.programId,
    reportedUserId: finding.report.beaconUserId,
    analysis: toReportSyndicationAnalysis(finding.analysis),
    shownAnalysis: shownAnalysis(subject, finding) as Record<string, unknown>,
    status: 'held' as const,
    reason,
    createdAt: now,
    resolvedAt: null,
  };
}

/** Records the match as held if its pair has no slot left (once per reported user and user). */
function holdIfFull(db: ControlDb, match: NetworkMatch, now: string) {
  const { subject, finding } = match;
  const held = heldRow(match, 'bound', now);
  const row: Record<string, unknown> = { ...held, seq: null, analysis: JSON.stringify(held.analysis), shownAnalysis: JSON.stringify(held.shownAnalysis) };
  // INSERT … SELECT the values FROM the pair's count row, which exists at the bound or not at all.
  const values = Object.fromEntries(Object.keys(getTableColumns(heldMatches)).map((column) => [column, sql`${row[column]}`.as(column)]));
  return db
    .insert(heldMatches)
    .select(
      db
        .select(values)
        .from(networkMatchCounts)
        .where(and(pair(finding.report.beaconUserId, subject.clientId), gte(networkMatchCounts.syndications, SYNDICATIONS_PER_REPORTED_USER))) as never,
    )
    .onConflictDoNothing();
}

/** The operator's view of a held match: who would have been told, of which report, what
 * matched (the full analysis) and what the member would be shown. */
export type HeldMatchView = ReturnType<typeof heldMatchView>;

export function heldMatchView(held: HeldMatch) {
  return {
    id: held.id,
    status: held.status,
    reason: held.reason,
    client_id: held.clientId,
    program_id: held.programId,
    beacon_user_id: held.beaconUserId,
    report: { id: held.reportId, client_id: held.reportClientId, program_id: held.reportProgramId, beacon_user_id: held.reportedUserId },
    analysis: held.analysis,
    shown_analysis: held.shownAnalysis,
    created_at: held.createdAt,
    resolved_at: held.resolvedAt,
  };
}

/** `/admin/network/held_match/list`: newest first, optionally of one status or member. */
export async function listHeldMatches(storage: Storage, secrets: Secrets, input: { cursor?: string | null; status?: HeldMatchStatus | null; client_id?: string | null }) {
  const filters: SQL[] = [];
  if (input.status) filters.push(eq(heldMatches.status, input.status));
  if (input.client_id) filters.push(eq(heldMatches.clientId, input.client_id));
  const { items, next_cursor } = await listPage(
    secrets.hmacKey,
    `held-matches:${input.status ?? ''}:${input.client_id ?? ''}`,
    input.cursor,
    (before) =>
      storage.control
        .select()
        .from(heldMatches)
        .where(and(lt(heldMatches.seq, before ?? Number.MAX_SAFE_INTEGER), ...filters))
        .orderBy(desc(heldMatches.seq))
        .limit(PAGE_SIZE + 1)
        .all(),
    (row) => row.seq,
  );
  return { held_matches: items.map(heldMatchView), next_cursor };
}

/** `/admin/network/match_count/list`: per member and reported user, the syndications it
 * received and the matches held beyond the bound; newest first, optionally of one member. */
export async function listMatchCounts(storage: Storage, secrets: Secrets, input: { cursor?: string | null; client_id?: string | null }) {
  const held = storage.control
    .select({ n: sql<number>`count(*)` })
    .from(heldMatches)
    .where(and(eq(heldMatches.reportedUserId, networkMatchCounts.reportedUserId), eq(heldMatches.clientId, networkMatchCounts.clientId)));
  const { items, next_cursor } = await listPage(
    secrets.hmacKey,
    `match-counts:${input.client_id ?? ''}`,
    input.cursor,
    (before) =>
      storage.control
        .select({ ...getTableColumns(networkMatchCounts), held: sql<number>`(${held})` })
        .from(networkMatchCounts)
        .where(and(lt(networkMatchCounts.seq, before ?? Number.MAX_SAFE_INTEGER), input.client_id ? eq(networkMatchCounts.clientId, input.client_id) : undefined))
        .orderBy(desc(networkMatchCounts.seq))
        .limit(PAGE_SIZE + 1)
        .all(),
    (row) => row.seq,
  );
  return {
    match_counts: items.map((row) => ({
      client_id: row.clientId,
      reported: { client_id: row.reportClientId, beacon_user_id: row.reportedUserId },
      syndications: row.syndications,
      held: row.held,
      bound: SYNDICATIONS_PER_REPORTED_USER,
      updated_at: row.updatedAt,
    })),
    next_cursor,
  };
}

export async function findHeldMatch(storage: Storage, heldMatchId: string): Promise<HeldMatch> {
  const held = await storage.control.select().from(heldMatches).where(eq(heldMatches.id, heldMatchId)).get();
  if (!held) throw errors.notFound('held_match_id');
  return held;
}

const refuseResolved = (held: HeldMatch) => errors.refused(`only a held match can be released or dismissed; held match ${held.id} is ${held.status}`);

/** A held match that may be released: still held, of a report still active (a deleted
 * report matches nothing any more), and if held for a disabled member, with both members
 * enabled. Read in the receiving program's Durable Object, so that two releases of one
 * match are one. */
export async function heldMatchToRelease(storage: Storage, heldMatchId: string): Promise<HeldMatch> {
  const held = await findHeldMatch(storage, heldMatchId);
  if (held.status !== 'held') throw refuseResolved(held);
  if (held.reason === 'client_disabled') {
    const disabled = await disabledClientIds(storage);
    const off = [held.reportClientId, held.clientId].find((id) => disabled.has(id));
    if (off) throw errors.refused(`client ${off} is disabled: held match ${held.id} is released when it is enabled again`);
  }
  const report = (await reportsOf(storage, [held])).get(held.reportId);
  if (!report || report.deletedAt !== null) throw errors.refused(`the report of held match ${held.id} was deleted: dismiss it instead`);
  return held;
}

/** A match held for a disabled member, now that both are enabled, is admitted as a new
 * match would be: its own report's at once, another member's if it takes a slot — if not,
 * it stays held, now for the bound. */
export async function admitEnabledMatch(storage: Storage, held: HeldMatch): Promise<boolean> {
  if (held.reportClientId === held.clientId) return true;
  const [slot] = await storage.control.batch([takeSlot(storage.control, held, nowTimestamp())]);
  if (slot.length) return true;
  await storage.control.update(heldMatches).set({ reason: 'bound' }).where(eq(heldMatches.id, held.id));
  return false;
}

/** After a released match's syndication is written: the match is released. Released by the
 * operator, it counts as one of the pair's syndications (the operator may go past the
 * bound); admitted on a member's enabling, it has taken its slot already. */
export async function markReleased(storage: Storage, held: HeldMatch, by: HeldMatchRelease): Promise<HeldMatch> {
  const resolvedAt = nowTimestamp();
  const db = storage.control;
  const release = db
    .update(heldMatches)
    .set({ status: 'released', resolvedAt })
    .where(and(eq(heldMatches.id, held.id), eq(heldMatches.status, 'held')));
  const count = db
    .update(networkMatchCounts)
    .set({ syndications: sql`${networkMatchCounts.syndications} + 1`, updatedAt: resolvedAt })
    .where(pair(held.reportedUserId, held.clientId));
  await (by === 'operator' ? db.batch([release, count]) : release);
  return { ...held, status: 'released', resolvedAt };
}

/** Who releases a held match: the operator, or the network when a disabled member is enabled again. */
export type HeldMatchRelease = 'operator' | 'member_enabled';

/** A member enabled again: its matches held while it (or the other side) was disabled, a
 * page at a time after `afterSeq`, as sides: each is released by the receiving program. */
export async function heldForDisabledClient(storage: Storage, clientId: string, afterSeq: number, limit: number): Promise<HeldMatch[]> {
  const side = (column: 'clientId' | 'reportClientId') =>
    storage.control
      .select()
      .from(heldMatches)
      .where(and(eq(heldMatches[column], clientId), eq(heldMatches.status, 'held'), eq(heldMatches.reason, 'client_disabled'), gt(heldMatches.seq, afterSeq)))
      .orderBy(asc(heldMatches.seq))
      .limit(limit);
  const [mine, theirs] = await storage.control.batch([side('clientId'), side('reportClientId')]);
  return [...new Map([...mine, ...theirs].map((held) => [held.seq, held])).values()].sort((a, b) => a.seq - b.seq).slice(0, limit);
}

/** `/admin/network/held_match/dismiss`: the operator decides the match reaches no one. */
export async function dismissHeldMatch(storage: Storage, heldMatchId: string) {
  const held = await findHeldMatch(storage, heldMatchId);
  const resolvedAt = nowTimestamp();
  const row = await storage.control
    .update(heldMatches)
    .set({ status: 'dismissed', resolvedAt })
    .where(and(eq(heldMatches.id, held.id), eq(heldMatches.status, 'held')))
    .returning()
    .get();
  if (!row) throw refuseResolved(held);
  return heldMatchView(row);
}
