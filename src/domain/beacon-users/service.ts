/** Writes to Beacon Users. These run inside the program's Durable Object, which calls
 * them one at a time, so reading the current version and writing the next cannot
 * interleave with another write to the same program. */
import { eq } from 'drizzle-orm';
import type { Database } from '../../db';
import { programs } from '../../db/schema';
import { errors } from '../../errors';
import type { Actor } from '../../http/auth';
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
  const [[program], [existing]] = await db.batch([
    db.select({ clientId: programs.clientId }).from(programs).where(eq(programs.id, cmd.programId)),
    selectBeaconUserByClientUserId(db, cmd.programId, cmd.clientUserId),
  ]);
  if (program?.clientId !== cmd.clientId) throw errors.notFound('program_id');

  const identity = identityFromRequest(cmd.data, now);
  const digest = await identityDigest(secrets.hmacKey, identity);
  if (existing) {
    // A retried create returns the user unchanged; different data is a conflict.
    if (existing.identityDigest === digest) return getBeaconUser(db, secrets, cmd.clientId, existing.id);
    throw errors.refused(
      `a Beacon User with this client_user_id already exists in this program (${existing.id}) with different data; use /beacon/user/update to change it`,
    );
  }

  const id = newId('beaconUser');
  const user = {
    id,
    clientId: cmd.clientId,
    programId: cmd.programId,
    clientUserId: cmd.clientUserId,
    version: 1,
    status: 'cleared' as BeaconUserStatus,
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
  await commit(new Changeset(db, now).add(...versionStatements(db, user, version)));
  return beaconUserView(user, version, identity);
}

export interface UpdateBeaconUser {
  clientId: string;
  beaconUserId: string;
  patch: BeaconUserUpdateRequestData | null | undefined;
  actor: Actor;
}

export async function updateBeaconUser(deps: Deps, cmd: UpdateBeaconUser): Promise<BeaconUserView> {
  const record = await loadBeaconUser(deps.db, cmd.clientId, cmd.beaconUserId);
  const current = await openIdentity(deps.secrets.piiKey, record.user.id, record.version.identity);
  if (!cmd.patch) return beaconUserView(record.user, record.version, current);

  const now = nowTimestamp();
  const next = patchIdentity(current, cmd.patch, now);
  const digest = await identityDigest(deps.secrets.hmacKey, next);
  // Data identical to the current version is not a change: no new version.
  if (digest === record.user.identityDigest) return beaconUserView(record.user, record.version, current);

  return writeVersion(deps, record, {
    status: record.user.status,
    identity: next,
    digest,
    sealed: await sealIdentity(deps.secrets.piiKey, record.user.id, next),
    actor: cmd.actor,
    now,
  });
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

  return writeVersion(deps, record, {
    status: cmd.status,
    identity,
    digest: record.user.identityDigest,
    sealed: record.version.identity,
    actor: cmd.actor,
    now: nowTimestamp(),
  });
}

interface NextVersion {
  status: BeaconUserStatus;
  identity: Identity;
  digest: string;
  sealed: string;
  actor: Actor;
  now: string;
}

/** Writes the next version in one batch with the events it causes. */
async function writeVersion({ db, commit }: Deps, record: BeaconUserRecord, next: NextVersion): Promise<BeaconUserView> {
  const user = { ...record.user, version: record.user.version + 1, status: next.status, identityDigest: next.digest, updatedAt: next.now };
  const version = {
    beaconUserId: user.id,
    version: user.version,
    status: next.status,
    identity: next.sealed,
    auditSource: next.actor.source,
    auditDashboardUserId: next.actor.dashboardUserId,
    createdAt: next.now,
  };
  const changes = new Changeset(db, next.now).add(...versionStatements(db, user, version));
  if (next.status !== record.user.status) changes.event(user.clientId, { webhook_code: 'USER_STATUS_UPDATED', beacon_user_id: user.id });
  await commit(changes);
  return beaconUserView(user, version, next.identity);
}
