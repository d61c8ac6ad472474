/** Writes to Beacon Users. These run inside the program's Durable Object, which calls them
 * one at a time, so reading the current version and writing the next cannot interleave
 * with another write to the same program. Each is one read batch and one write batch in
 * the program's shard; everything else was done before (prepare.ts). */
import { eq } from 'drizzle-orm';
import { userShard, type ShardDb } from '../../db';
import { capture, errors, type Outcome } from '../../errors';
import { nowTimestamp } from '../../lib/time';
import type { BeaconUserUpdateRequestData } from '../../schemas/beacon-user';
import { BULK_IMPORT, type Actor } from '../actor';
import { hotKeys, indexUserStatements, selectCandidateUsers, selectKeyCounts } from '../blocking-index';
import { Changeset } from '../changeset';
import {
  findDuplicates,
  knownSyndications,
  openCandidates,
  recordFindings,
  reportFindings,
  selectRecordedPairs,
  selectSyndicationsOf,
  type Candidate,
  type Subject,
} from '../checks/findings';
import { admitFindings } from '../checks/held-matches';
import { escalate, outcomeOf, type StatusDecision } from '../checks/outcome';
import type { InProgram } from '../program-context';
import { patchIdentity } from './identity';
import { checkIdentity, freshCheck, type CheckedIdentity } from './prepare';
import { assertReviewAllowed, reviewFacts } from './review';
import {
  loadBeaconUser,
  openIdentity,
  recordOf,
  selectBeaconUserByClientUserId,
  selectCurrentUsers,
  versionStatements,
  type BeaconUserRecord,
  type BeaconUserRow,
  type BeaconUserStatus,
  type BeaconUserVersionRow,
  type CurrentUser,
} from './store';
import { beaconUserView, type BeaconUserView } from './view';

export interface CreateBeaconUser {
  /** The new user's id, minted with the check (its identity is sealed under it). */
  beaconUserId: string;
  clientUserId: string;
  checked: CheckedIdentity;
  actor: Actor;
}

/** What a create reads of its program's shard, for one D1 batch: a user with the same
 * `client_user_id`, the duplicate candidates, and how common its keys are in the program. */
function createReads(db: ShardDb, programId: string, cmd: CreateBeaconUser) {
  return [
    selectBeaconUserByClientUserId(db, programId, cmd.clientUserId),
    selectCandidateUsers(db, programId, cmd.checked.lookupKeys, null),
    selectKeyCounts(db, programId, cmd.checked.lookupKeys),
  ] as const;
}

type CreateRead = readonly [existing: BeaconUserRow[], candidates: CurrentUser[], counts: { key: string; users: number }[]];

/** A user written earlier in the same batch, as a duplicate candidate of later ones. */
interface Written {
  candidate: Candidate;
  keys: string[];
  clientUserId: string;
  digest: string;
  status: BeaconUserStatus;
}

/** Adds a new user and its findings to `changes`, or finds that it exists already: a
 * retried create is the same user; different data under its `client_user_id` is refused. */
async function planCreate(ctx: InProgram, cmd: CreateBeaconUser, [[existing], candidates, counts]: CreateRead, changes: Changeset, earlier: Written[]): Promise<Planned> {
  const { program, secrets, db } = ctx;
  const sameEarlier = earlier.find((w) => w.clientUserId === cmd.clientUserId);
  const before = existing
    ? { id: existing.id, digest: existing.identityDigest, version: existing.version, status: existing.status }
    : sameEarlier && { id: sameEarlier.candidate.id, digest: sameEarlier.digest, version: 1, status: sameEarlier.status };
  if (before) {
    const { id, digest, version, status } = before;
    if (cmd.checked.digests.includes(digest)) return { kind: 'existing', id, version, status };
    throw errors.refused(`a Beacon User with this client_user_id already exists in this program (${id}) with different data; use /beacon/user/update to change it`);
  }

  const { checked } = cmd;
  const subject: Subject = {
    id: cmd.beaconUserId,
    clientId: program.clientId,
    programId: program.id,
    version: 1,
    identity: checked.normalised,
    keyFields: checked.keyFields,
    carries: [],
  };
  const hot = hotKeys(counts);
  const nearby = earlier.filter((w) => w.keys.some((k) => !hot.has(k) && checked.lookupKeys.includes(k))).map((w) => w.candidate);
  const reports = reportFindings(subject, checked.hits, counts, new Map());
  const findings = {
    duplicates: findDuplicates(subject, [...(await openCandidates(secrets, candidates)), ...nearby], [], program.settings, countWithEarlier(counts, earlier)),
    ownReports: reports.ownReports,
    networkReports: await admitFindings(ctx.storage, subject, reports.networkReports),
  };
  const outcome = outcomeOf(findings, program.settings);
  const user = {
    id: subject.id,
    clientId: program.clientId,
    programId: program.id,
    clientUserId: cmd.clientUserId,
    version: 1,
    status: outcome.status,
    statusReason: outcome.reason,
    statusSince: checked.givenAt,
    identityDigest: checked.digests[0]!,
    blockingKeys: checked.keys,
    createdAt: checked.givenAt,
    updatedAt: checked.givenAt,
  };
  const version = {
    beaconUserId: user.id,
    version: 1,
    status: user.status,
    statusReason: user.statusReason,
    identity: checked.sealed,
    auditSource: cmd.actor.source,
    auditDashboardUserId: cmd.actor.dashboardUserId,
    createdAt: checked.givenAt,
  };
  changes.add(...versionStatements(db, user, version), ...indexUserStatements(db, user, checked.keys, []));
  recordFindings(db, changes, subject, findings);
  const written: Written = {
    candidate: { id: user.id, version: 1, identity: checked.normalised, keys: checked.keys },
    keys: checked.keys,
    clientUserId: cmd.clientUserId,
    digest: checked.digests[0]!,
    status: user.status,
  };
  return { kind: 'created', user, version, written };
}

/** The program's key counts as they stand after the users written earlier in the same batch
 * (read before any of them): the counts a check of each user alone would have read. */
function countWithEarlier(counts: { key: string; users: number }[], earlier: Written[]): { key: string; users: number }[] {
  if (earlier.length === 0) return counts;
  return counts.map((c) => ({ key: c.key, users: c.users + earlier.filter((w) => w.keys.includes(c.key)).length }));
}

export type Planned =
  | { kind: 'existing'; id: string; version: number; status: BeaconUserStatus }
  | { kind: 'created'; user: BeaconUserRow; version: BeaconUserVersionRow; written: Written };

/**
 * Creates users with one read batch and one write batch in all: a single create, the creates
 * that arrived together at the program's object, or an import. Each is checked on its own,
 * and later ones see earlier ones. Returns each one's outcome, in order: a refused create
 * fails alone.
 */
export async function createBeaconUsers(ctx: InProgram, cmds: CreateBeaconUser[]): Promise<Outcome<Planned>[]> {
  const { db, program } = ctx;
  const fresh = await Promise.all(cmds.map(async (cmd) => ({ ...cmd, checked: await freshCheck(ctx.storage, ctx.secrets, cmd.beaconUserId, cmd.checked) })));
  const reads = (await db.batch(fresh.flatMap((cmd) => createReads(db, program.id, cmd)) as unknown as [ReturnType<typeof createReads>[0]])) as unknown[];
  const changes = new Changeset(db, nowTimestamp());
  const earlier: Written[] = [];
  const outcomes: Outcome<Planned>[] = [];
  for (const [i, cmd] of fresh.entries()) {
    const outcome = await capture(() => planCreate(ctx, cmd, reads.slice(3 * i, 3 * i + 3) as unknown as CreateRead, changes, earlier));
    if (outcome.ok && outcome.value.kind === 'created') earlier.push(outcome.value.written);
    outcomes.push(outcome);
  }
  if (earlier.length) await ctx.commit(changes);
  return outcomes;
}

/** The answer to a create: the new user, or the existing one a retry found. */
export async function createdView(ctx: InProgram, planned: Planned, cmd: CreateBeaconUser): Promise<BeaconUserView> {
  if (planned.kind === 'created') return beaconUserView(planned.user, planned.version, cmd.checked.identity);
  return viewOf(ctx, await loadBeaconUser(ctx.db, ctx.program.clientId, planned.id));
}

export interface ImportBeaconUsers {
  users: ({ clientUserId: string } & ({ beaconUserId: string; checked: CheckedIdentity } | { error: { code: string; message: string } }))[];
}

/** The operator's bulk import of a member's existing users (audit source `bulk_import`):
 * the create path for all of them at once. The answer gives each user's outcome, in order. */
export async function importBeaconUsers(ctx: InProgram, cmd: ImportBeaconUsers) {
  const creates = cmd.users.flatMap((entry) => ('error' in entry ? [] : [{ ...entry, actor: BULK_IMPORT }]));
  const outcomes = await createBeaconUsers(ctx, creates);
  let next = 0;
  const beacon_users = cmd.users.map((entry) => {
    const client_user_id = entry.clientUserId;
    const outcome: Outcome<Planned> = 'error' in entry ? { ok: false, error: { ...entry.error, status: 400, type: 'INVALID_REQUEST' } } : outcomes[next++]!;
    if (!outcome.ok) return { client_user_id, error: { error_code: outcome.error.code, error_message: outcome.error.message } };
    const user = outcome.value.kind === 'created' ? outcome.value.user : outcome.value;
    return { client_user_id, beacon_user_id: user.id, version: user.version, status: user.status };
  });
  return { beacon_users };
}

export interface UpdateBeaconUser {
  beaconUserId: string;
  patch: BeaconUserUpdateRequestData;
  /** The check of the patched identity, and the version it patched. */
  checked: CheckedIdentity;
  basedOn: number;
  actor: Actor;
}

/** Every check runs again on the new data; only new findings are recorded. */
export async function updateBeaconUser(ctx: InProgram, cmd: UpdateBeaconUser): Promise<BeaconUserView> {
  const { db, program, secrets } = ctx;
  const checked = await freshCheck(ctx.storage, secrets, cmd.beaconUserId, cmd.checked);
  const [[current], candidates, counts, syndications, pairs] = await db.batch([
    selectCurrentUsers(db, eq(userShard.beaconUsers.id, cmd.beaconUserId)),
    selectCandidateUsers(db, program.id, checked.lookupKeys, cmd.beaconUserId),
    selectKeyCounts(db, program.id, checked.lookupKeys),
    selectSyndicationsOf(db, [cmd.beaconUserId]),
    selectRecordedPairs(db, cmd.beaconUserId),
  ]);
  if (!current || current.clientId !== program.clientId) throw errors.notFound('beacon_user_id');

  if (current.version !== cmd.basedOn) {
    // Another write came first: patch what it wrote, and check that.
    const stored = await openIdentity(secrets.piiKey, current.id, current.sealed);
    const rebased = await checkIdentity(ctx.storage, secrets, current.id, (at) => patchIdentity(stored, cmd.patch, at));
    if (rebased.digests.includes(current.identityDigest)) return viewOf(ctx, recordOf(current));
    return updateBeaconUser(ctx, { ...cmd, checked: rebased, basedOn: current.version });
  }

  const now = checked.givenAt;
  const subject: Subject = {
    id: current.id,
    clientId: current.clientId,
    programId: program.id,
    version: current.version + 1,
    identity: checked.normalised,
    keyFields: checked.keyFields,
    carries: current.blockingKeys,
  };
  const reports = reportFindings(subject, checked.hits, counts, knownSyndications(syndications, current.id));
  const findings = {
    duplicates: findDuplicates(subject, await openCandidates(secrets, candidates), pairs, program.settings, counts),
    ownReports: reports.ownReports,
    networkReports: await admitFindings(ctx.storage, subject, reports.networkReports),
  };
  const changes = new Changeset(db, now);
  const written = nextVersion(db, changes, current, {
    ...(escalate(current.status, outcomeOf(findings, program.settings)) ?? unchanged(current)),
    digest: checked.digests[0]!,
    keys: checked.keys,
    sealed: checked.sealed,
    actor: cmd.actor,
  });
  changes.add(...indexUserStatements(db, current, checked.keys, current.blockingKeys));
  recordFindings(db, changes, subject, findings);
  await ctx.commit(changes);
  return beaconUserView(written.user, written.version, checked.identity);
}

export interface ReviewBeaconUser {
  beaconUserId: string;
  status: BeaconUserStatus;
  actor: Actor;
}

export async function reviewBeaconUser(ctx: InProgram, cmd: ReviewBeaconUser): Promise<BeaconUserView> {
  const { current, facts } = await reviewFacts(ctx, cmd.beaconUserId);
  assertReviewAllowed(cmd.status, facts);
  // Reviewing to the status the user already has changes nothing.
  if (cmd.status === current.status) return viewOf(ctx, recordOf(current));

  const changes = new Changeset(ctx.db, nowTimestamp());
  const { user, version } = nextVersion(ctx.db, changes, current, {
    status: cmd.status,
    reason: 'review',
    digest: current.identityDigest,
    keys: current.blockingKeys,
    sealed: current.sealed,
    actor: cmd.actor,
  });
  await ctx.commit(changes);
  return beaconUserView(user, version, await openIdentity(ctx.secrets.piiKey, user.id, version.identity));
}

/** The next version of a user: its status and its identity data, sealed, digested and keyed. */
export interface NextVersion extends StatusDecision {
  digest: string;
  keys: string[];
  sealed: string;
  actor: Actor;
}

/** The current status and its reason, for a version that does not change them. */
const unchanged = (current: CurrentUser): StatusDecision => ({ status: current.status, reason: current.statusReason });

/** Adds the next version of a user to `changes`, with USER_STATUS_UPDATED if the status
 * changes; the reason and its time change with the status only. Returns the new state, for
 * the answer. */
export function nextVersion(db: ShardDb, changes: Changeset, current: CurrentUser, next: NextVersion) {
  const { user: previous } = recordOf(current);
  const statusChanged = next.status !== previous.status;
  const user = {
    ...previous,
    version: previous.version + 1,
    status: next.status,
    statusReason: statusChanged ? next.reason : previous.statusReason,
    statusSince: statusChanged ? changes.now : previous.statusSince,
    identityDigest: next.digest,
    blockingKeys: next.keys,
    updatedAt: changes.now,
  };
  const version = {
    beaconUserId: user.id,
    version: user.version,
    status: next.status,
    statusReason: user.statusReason,
    identity: next.sealed,
    auditSource: next.actor.source,
    auditDashboardUserId: next.actor.dashboardUserId,
    createdAt: changes.now,
  };
  changes.add(...versionStatements(db, user, version));
  if (statusChanged) changes.event(user.clientId, { webhook_code: 'USER_STATUS_UPDATED', beacon_user_id: user.id });
  return { user, version };
}

/** A status-only next version: the identity, its digest and keys stay. */
export function nextStatus(db: ShardDb, changes: Changeset, current: CurrentUser, decision: StatusDecision, actor: Actor) {
  return nextVersion(db, changes, current, { ...decision, digest: current.identityDigest, keys: current.blockingKeys, sealed: current.sealed, actor });
}

async function viewOf(ctx: InProgram, record: BeaconUserRecord): Promise<BeaconUserView> {
  return beaconUserView(record.user, record.version, await openIdentity(ctx.secrets.piiKey, record.user.id, record.version.identity));
}
