/** Writes to Beacon Users. These run inside the program's Durable Object, which calls
 * them one at a time, so reading the current version and writing the next cannot
 * interleave with another write to the same program. */
import { eq } from 'drizzle-orm';
import type { Database } from '../../db';
import { programs } from '../../db/schema';
import { indexKeys, indexUserStatements, selectCandidateReports, selectCandidateUsers } from '../blocking-index';
import { escalate, findMatches, outcomeOf, recordFindings } from '../checks';
import { normaliseIdentity } from '../matching/compare';
import { findProgram } from '../programs';
import { capture, errors } from '../../errors';
import { BULK_IMPORT, type Actor } from '../actor';
import { newId } from '../../lib/ids';
import { nowTimestamp } from '../../lib/time';
import type { BeaconUserRequestData, BeaconUserUpdateRequestData } from '../../schemas/beacon-user';
import type { Secrets } from '../../secrets';
import { Changeset } from '../changeset';
import { identityDigest, identityFromRequest, patchIdentity, type Identity } from './identity';
import { assertReviewAllowed, reviewFacts } from './review';
import {
  loadBeaconUser,
  openIdentity,
  sealIdentity,
  selectBeaconUserByClientUserId,
  versionStatements,
  type BeaconUserRecord,
  type BeaconUserStatus,
} from './store';
import { getBeaconUser } from './reads';
import { beaconUserView, type BeaconUserView } from './view';

export interface Deps {
  db: Database;
  secrets: Secrets;
  /** Writes a changeset and, once it has committed, hands its events to the outbox. */
  commit(changes: Changeset): Promise<void>;
}

export interface CreateBeaconUser {
  clientId: string;
  programId: string;
  clientUserId: string;
  data: BeaconUserRequestData;
  actor: Actor;
}

export async function createBeaconUser({ db, secrets, commit }: Deps, cmd: CreateBeaconUser): Promise<BeaconUserView> {
  const now = nowTimestamp();
  const id = newId('beaconUser');
  const identity = identityFromRequest(cmd.data, now);
  const subject = { id, clientId: cmd.clientId, programId: cmd.programId, version: 1, identity: normaliseIdentity(identity) };
  const [digest, keys] = await Promise.all([identityDigest(secrets.hmacKey, identity), indexKeys(secrets.hmacKey, subject.identity)]);
  // One round trip for everything the create reads, candidates of the checks included.
  const [[program], [existing], users, reports] = await db.batch([
    db.select({ clientId: programs.clientId, settings: programs.settings }).from(programs).where(eq(programs.id, cmd.programId)),
    selectBeaconUserByClientUserId(db, cmd.programId, cmd.clientUserId),
    selectCandidateUsers(db, cmd.programId, keys, null),
    selectCandidateReports(db, keys),
  ]);
  if (!program || program.clientId !== cmd.clientId) throw errors.notFound('program_id');
  if (existing) {
    // A retried create returns the user unchanged; different data is a conflict.
    if (existing.identityDigest === digest) return getBeaconUser(db, secrets, cmd.clientId, existing.id);
    throw errors.refused(
      `a Beacon User with this client_user_id already exists in this program (${existing.id}) with different data; use /beacon/user/update to change it`,
    );
  }

  const { settings } = program;
  const findings = await findMatches(db, secrets, subject, { users, reports }, settings);
  const user = {
    id,
    clientId: cmd.clientId,
    programId: cmd.programId,
    clientUserId: cmd.clientUserId,
    version: 1,
    status: outcomeOf(findings, settings),
    identityDigest: digest,
    createdAt: now,
    updatedAt: now,
  };
  const version = {
    beaconUserId: id,
    version: 1,
    status: user.status,
    identity: await sealIdentity(secrets.piiKey, id, identity),
    auditSource: cmd.actor.source,
    auditDashboardUserId: cmd.actor.dashboardUserId,
    createdAt: now,
  };
  const changes = new Changeset(db, now).add(...versionStatements(db, user, version), ...indexUserStatements(db, user, keys, true));
  recordFindings(db, changes, subject, findings);
  await commit(changes);
  return beaconUserView(user, version, identity);
}

export interface ImportBeaconUsers {
  programId: string;
  users: { client_user_id: string; user: BeaconUserRequestData }[];
}

/** The operator's bulk import of a member's existing users (audit source `bulk_import`).
 * Each user goes through the create path on its own — checks included, so later users of
 * an import see earlier ones — and the answer gives each one's outcome. */
export async function importBeaconUsers(deps: Deps, cmd: ImportBeaconUsers) {
  const program = await findProgram(deps.db, cmd.programId);
  const results = [];
  for (const { client_user_id, user } of cmd.users) {
    const outcome = await capture(() =>
      createBeaconUser(deps, { clientId: program.clientId, programId: cmd.programId, clientUserId: client_user_id, data: user, actor: BULK_IMPORT }),
    );
    results.push(
      outcome.ok
        ? { client_user_id, beacon_user_id: outcome.value.id, version: outcome.value.version, status: outcome.value.status }
        : { client_user_id, error: { error_code: outcome.error.code, error_message: outcome.error.message } },
    );
  }
  return { beacon_users: results };
}

export interface UpdateBeaconUser {
  clientId: string;
  beaconUserId: string;
  patch: BeaconUserUpdateRequestData | null | undefined;
  actor: Actor;
}

export async function updateBeaconUser({ db, secrets, commit }: Deps, cmd: UpdateBeaconUser): Promise<BeaconUserView> {
  const record = await loadBeaconUser(db, cmd.clientId, cmd.beaconUserId);
  const current = await openIdentity(secrets.piiKey, record.user.id, record.version.identity);
  if (!cmd.patch) return beaconUserView(record.user, record.version, current);

  const now = nowTimestamp();
  const next = patchIdentity(current, cmd.patch, now);
  const digest = await identityDigest(secrets.hmacKey, next);
  // Data identical to the current version is not a change: no new version.
  if (digest === record.user.identityDigest) return beaconUserView(record.user, record.version, current);

  // Every check runs again on the new data; only new findings are recorded.
  const { user } = record;
  const subject = { id: user.id, clientId: user.clientId, programId: user.programId, version: user.version + 1, identity: normaliseIdentity(next) };
  const keys = await indexKeys(secrets.hmacKey, subject.identity);
  const [[program], users, reports] = await db.batch([
    db.select({ settings: programs.settings }).from(programs).where(eq(programs.id, user.programId)),
    selectCandidateUsers(db, user.programId, keys, user.id),
    selectCandidateReports(db, keys),
  ]);
  const { settings } = program!;
  const findings = await findMatches(db, secrets, subject, { users, reports }, settings);
  const changes = new Changeset(db, now);
  const written = nextVersion(db, changes, record, {
    status: escalate(user.status, outcomeOf(findings, settings)),
    digest,
    sealed: await sealIdentity(secrets.piiKey, user.id, next),
    actor: cmd.actor,
  });
  changes.add(...indexUserStatements(db, user, keys, false));
  recordFindings(db, changes, subject, findings);
  await commit(changes);
  return beaconUserView(written.user, written.version, next);
}

export interface ReviewBeaconUser {
  clientId: string;
  beaconUserId: string;
  status: BeaconUserStatus;
  actor: Actor;
}

export async function reviewBeaconUser(deps: Deps, cmd: ReviewBeaconUser): Promise<BeaconUserView> {
  const record = await loadBeaconUser(deps.db, cmd.clientId, cmd.beaconUserId);
  assertReviewAllowed(cmd.status, await reviewFacts(deps.db, record.user.id));
  const identity = await openIdentity(deps.secrets.piiKey, record.user.id, record.version.identity);
  // Reviewing to the status the user already has changes nothing.
  if (cmd.status === record.user.status) return beaconUserView(record.user, record.version, identity);

  const next = { status: cmd.status, digest: record.user.identityDigest, sealed: record.version.identity, actor: cmd.actor };
  return writeVersion(deps, record, next, identity, nowTimestamp());
}

/** The next version of a user: its status and its identity data, sealed and digested. */
export interface NextVersion {
  status: BeaconUserStatus;
  digest: string;
  sealed: string;
  actor: Actor;
}

/** Adds the next version of a user to `changes`, with USER_STATUS_UPDATED if the status
 * changes. Returns the new state, for the answer. */
export function nextVersion(db: Database, changes: Changeset, record: BeaconUserRecord, next: NextVersion) {
  const user = { ...record.user, version: record.user.version + 1, status: next.status, identityDigest: next.digest, updatedAt: changes.now };
  const version = {
    beaconUserId: user.id,
    version: user.version,
    status: next.status,
    identity: next.sealed,
    auditSource: next.actor.source,
    auditDashboardUserId: next.actor.dashboardUserId,
    createdAt: changes.now,
  };
  changes.add(...versionStatements(db, user, version));
  if (next.status !== record.user.status) changes.event(user.clientId, { webhook_code: 'USER_STATUS_UPDATED', beacon_user_id: user.id });
  return { user, version };
}

/** Writes the next version on its own. */
async function writeVersion({ db, commit }: Deps, record: BeaconUserRecord, next: NextVersion, identity: Identity, now: string): Promise<BeaconUserView> {
  const changes = new Changeset(db, now);
  const { user, version } = nextVersion(db, changes, record, next);
  await commit(changes);
  return beaconUserView(user, version, identity);
}
