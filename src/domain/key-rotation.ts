/** Key rotation: bringing every stored row to the current keys, in the background, while the
 * previous keys still open and match what they made.
 *
 * 1. The operator deploys the new keys as `PII_ENCRYPTION_KEY`, `HMAC_KEY`,
 *    `WEBHOOK_SEALING_KEY` (each `<kid>:<base64>`, a new id) with the old ones as
 *    `…_PREVIOUS`. From then on everything new is sealed and digested with the new keys, and
 *    reads accept both (sealed values name their key; lookups use both generations of keys).
 * 2. `/admin/key_rotation/start` walks every target a step at a time (one queue message each):
 *    each program's data, in its Durable Object (versions sealed anew, identity digests and
 *    blocking keys made anew, its reports re-indexed), each shard's `/user` users and
 *    analysts' notes, the webhook signing keys, and the console's analyst accounts (emails,
 *    authenticator and setup-link secrets sealed anew, email digests made anew). The sweep
 *    resumes a target whose steps stopped arriving.
 * 3. When `/admin/key_rotation/status` says complete, the operator removes the `…_PREVIOUS`
 *    keys. (Client secrets, user tokens and the console's session and setup-link tokens are
 *    SHA-256 digests, outside every rotation.)
 */
import { and, asc, count, eq, gt, inArray, isNull, lte, sql, sum } from 'drizzle-orm';
import { control, userShard, type Storage } from '../db';
import { errors } from '../errors';
import { openJson, sealedKid, sealJson } from '../lib/crypto';
import { PAGE_SIZE } from '../lib/cursor';
import { nowTimestamp, timestampAt } from '../lib/time';
import type { Secrets } from '../secrets';
import { normaliseIdentity } from '../matching/compare';
import { rotateAnalystKeys } from './analysts/accounts';
import { identityDigests } from './beacon-users/identity';
import { rotateNoteKeys } from './beacon-users/notes';
import { openIdentity, sealIdentity } from './beacon-users/store';
import { indexKeys, indexUserStatements } from './blocking-index';
import type { InProgram } from './program-context';
import { indexReport, unindexReport } from './reports/network-index';
import { userSealContext } from './users';
import { webhookKeySealContext } from './webhooks/keys';

const { keyRotations } = control;
const { beaconUsers, beaconUserVersions, beaconReports, users } = userShard;

/** Rows a step handles at most. */
const STEP_ROWS = 50;

/** A quiet target is resumed by the sweep after this long (a step's retries span less). */
export const ROTATION_STALLED_MS = 15 * 60_000;

/** One step of one target: a queue message. */
export interface RotationStep {
  rotation: string;
  target: string;
  cursor: unknown;
}

/** How a step reaches a program's Durable Object (given by the queue consumer). */
export interface RotationCalls {
  rotateProgramKeys(programId: string, cursor: ProgramCursor | null): Promise<{ next: ProgramCursor | null; changed: number }>;
}

/** The rotation the deployment's keys ask for: named by the keys rotated to. */
export function currentRotation(secrets: Secrets): string {
  return `pii:${secrets.piiKey.current.kid},hmac:${secrets.hmacKey.current.kid},webhook:${secrets.webhookSealingKey.current.kid}`;
}

const rotating = (secrets: Secrets) => Boolean(secrets.piiKey.previous || secrets.hmacKey.previous || secrets.webhookSealingKey.previous);

/** Starts (or restarts, harmlessly) the rotation to the current keys: one target per
 * program, two per user shard (`/user` users, notes), one for the webhook keys and one for
 * the analysts' accounts. Returns the first steps to send. */
export async function startRotation(storage: Storage, secrets: Secrets): Promise<RotationStep[]> {
  if (!rotating(secrets)) {
    throw errors.refused(
      'no previous key is configured: deploy the new key as PII_ENCRYPTION_KEY, HMAC_KEY or WEBHOOK_SEALING_KEY (with a new key id) and the old one as …_PREVIOUS first',
    );
  }
  const rotation = currentRotation(secrets);
  const programs = await storage.control.select({ id: control.programs.id }).from(control.programs).all();
  const targets = [...programs.map((p) => `program:${p.id}`), ...storage.layout.userShards.flatMap((n) => [`users:${n}`, `notes:${n}`]), 'webhook-keys', 'analysts'];
  const now = nowTimestamp();
  for (let i = 0; i < targets.length; i += 25) {
    await storage.control
      .insert(keyRotations)
      .values(targets.slice(i, i + 25).map((target) => ({ rotation, target, touchedAt: now })))
      .onConflictDoNothing();
  }
  const open = await storage.control
    .select({ target: keyRotations.target, cursor: keyRotations.cursor })
    .from(keyRotations)
    .where(and(eq(keyRotations.rotation, rotation), isNull(keyRotations.doneAt)))
    .all();
  return open.map((row) => ({ rotation, target: row.target, cursor: row.cursor ?? null }));
}

/** Where the rotation to the current keys stands. Credentials stored as HMAC digests before
 * they were stored as SHA-256 (lib/crypto.ts credentialDigest) are replaced only when used:
 * those under the previous HMAC key stop working when it is removed, so they are listed. */
export async function rotationStatus(storage: Storage, secrets: Secrets) {
  const rotation = currentRotation(secrets);
  const previousHmac = secrets.hmacKey.previous?.kid ?? null;
  const [[progress], waitingClients] = await storage.control.batch([
    storage.control
      .select({ targets: count(), done: count(keyRotations.doneAt), rows: sum(keyRotations.rowsChanged) })
      .from(keyRotations)
      .where(eq(keyRotations.rotation, rotation)),
    storage.control
      .select({ id: control.clients.id })
      .from(control.clients)
      .where(previousHmac === null ? sql`0` : eq(control.clients.secretHmacKid, previousHmac))
      .limit(PAGE_SIZE),
  ]);
  const waitingTokens =
    previousHmac === null
      ? []
      : await Promise.all(storage.layout.userShards.map((n) => storage.userShard(n).select({ tokens: count() }).from(users).where(eq(users.tokenHmacKid, previousHmac)).get()));
  const targets = progress?.targets ?? 0;
  const done = progress?.done ?? 0;
  return {
    rotation,
    rotating: rotating(secrets),
    targets,
    targets_done: done,
    rows_changed: Number(progress?.rows ?? 0),
    complete: targets > 0 && done === targets,
    /** Clients (up to a page) whose secret works only while HMAC_KEY_PREVIOUS is configured,
     * until they next call. */
    client_ids_with_secrets_under_previous_hmac_key: waitingClients.map((c) => c.id),
    user_tokens_under_previous_hmac_key: waitingTokens.reduce((total, row) => total + (row?.tokens ?? 0), 0),
  };
}

/** Runs one step of a target and records it; returns the next step, if the target is not done. */
export async function runRotationStep(storage: Storage, secrets: Secrets, calls: RotationCalls, step: RotationStep): Promise<RotationStep | null> {
  if (step.rotation !== currentRotation(secrets)) return null; // the keys changed again: a newer rotation takes over
  const { next, changed } = await rotateTarget(storage, secrets, calls, step.target, step.cursor ?? null);
  const now = nowTimestamp();
  await storage.control
    .update(keyRotations)
    .set({ cursor: next, rowsChanged: sqlIncrement(changed), touchedAt: now, doneAt: next === null ? now : null })
    .where(and(eq(keyRotations.rotation, step.rotation), eq(keyRotations.target, step.target)));
  return next === null ? null : { ...step, cursor: next };
}

/** One step of a target: its rows after `cursor` brought to the current keys. */
function rotateTarget(storage: Storage, secrets: Secrets, calls: RotationCalls, target: string, cursor: unknown): Promise<{ next: unknown; changed: number }> {
  const [kind, name] = splitTarget(target);
  switch (kind) {
    case 'program':
      return calls.rotateProgramKeys(name, cursor as ProgramCursor | null);
    case 'users':
      return rotateUsers(storage, secrets, Number(name), cursor as string | null);
    case 'notes':
      return rotateNoteKeys(storage, secrets, Number(name), cursor as number | null, STEP_ROWS);
    case 'analysts':
      return rotateAnalystKeys(storage, secrets, cursor as number | null, STEP_ROWS);
    case 'webhook-keys':
      return rotateWebhookKeys(storage, secrets);
    default:
      throw new Error(`unknown key rotation target ${JSON.stringify(target)}`);
  }
}

const sqlIncrement = (by: number) => sql`${keyRotations.rowsChanged} + ${by}`;

function splitTarget(target: string): [string, string] {
  const at = target.indexOf(':');
  return at < 0 ? [target, ''] : [target.slice(0, at), target.slice(at + 1)];
}

/** Steps of targets that stopped moving (the sweep sends them again). */
export async function stalledRotationSteps(storage: Storage, limit: number): Promise<RotationStep[]> {
  const rows = await storage.control
    .select()
    .from(keyRotations)
    .where(and(isNull(keyRotations.doneAt), lte(keyRotations.touchedAt, timestampAt(Date.now() - ROTATION_STALLED_MS))))
    .limit(limit)
    .all();
  return rows.map((row) => ({ rotation: row.rotation, target: row.target, cursor: row.cursor ?? null }));
}

/** Where a program's rotation stands: its users in `client_user_id` order, then its active
 * reports in creation order. */
export type ProgramCursor = { phase: 'users'; after: string | null } | { phase: 'reports'; after: number };

/**
 * In the program's Durable Object (so that no write of the program interleaves): the next
 * STEP_ROWS users — every version sealed with the previous PII key sealed anew, the identity
 * digest and blocking keys made anew under the current HMAC key — or, once the users are done,
 * the next STEP_ROWS active reports, indexed anew (their keys, and the sealed identity the
 * index keeps).
 */
export async function rotateProgramKeys(ctx: InProgram, cursor: ProgramCursor | null): Promise<{ next: ProgramCursor | null; changed: number }> {
  const position = cursor ?? { phase: 'users', after: null };
  return position.phase === 'users' ? rotateProgramUsers(ctx, position.after) : rotateProgramReports(ctx, position.after);
}

async function rotateProgramUsers(ctx: InProgram, after: string | null): Promise<{ next: ProgramCursor | null; changed: number }> {
  const { db, program, secrets } = ctx;
  const page = await db
    .select()
    .from(beaconUsers)
    .where(and(eq(beaconUsers.programId, program.id), after === null ? undefined : gt(beaconUsers.clientUserId, after)))
    .orderBy(asc(beaconUsers.clientUserId))
    .limit(STEP_ROWS)
    .all();
  if (!page.length) return { next: { phase: 'reports', after: 0 }, changed: 0 };
  const versions = await db
    .select()
    .from(beaconUserVersions)
    .where(
      inArray(
        beaconUserVersions.beaconUserId,
        page.map((u) => u.id),
      ),
    )
    .all();
  const writes = [];
  let changed = 0;
  for (const user of page) {
    const mine = versions.filter((v) => v.beaconUserId === user.id);
    for (const version of mine) {
      if (sealedKid(version.identity) === secrets.piiKey.current.kid) continue;
      const resealed = await sealIdentity(secrets.piiKey, user.id, await openIdentity(secrets.piiKey, user.id, version.identity));
      writes.push(
        db
          .update(beaconUserVersions)
          .set({ identity: resealed })
          .where(and(eq(beaconUserVersions.beaconUserId, user.id), eq(beaconUserVersions.version, version.version))),
      );
      changed++;
    }
    const current = mine.find((v) => v.version === user.version);
    if (!current) continue;
    const identity = await openIdentity(secrets.piiKey, user.id, current.identity);
    const [[digest], keys] = await Promise.all([identityDigests(secrets.hmacKey, identity), indexKeys(secrets.hmacKey, normaliseIdentity(identity))]);
    if (digest === user.identityDigest && sameKeys(keys.stored, user.blockingKeys)) continue;
    writes.push(
      db
        .update(beaconUsers)
        .set({ identityDigest: digest!, blockingKeys: keys.stored })
        .where(and(eq(beaconUsers.id, user.id), eq(beaconUsers.version, user.version))),
      ...indexUserStatements(db, user, keys.stored, user.blockingKeys),
    );
    changed++;
  }
  const [first, ...rest] = writes;
  if (first) await db.batch([first, ...rest]);
  return { next: { phase: 'users', after: page.at(-1)!.clientUserId }, changed };
}

async function rotateProgramReports(ctx: InProgram, after: number): Promise<{ next: ProgramCursor | null; changed: number }> {
  const { db, program, secrets, storage } = ctx;
  const page = await db
    .select({ report: beaconReports, sealed: beaconUserVersions.identity })
    .from(beaconReports)
    .innerJoin(beaconUserVersions, and(eq(beaconUserVersions.beaconUserId, beaconReports.beaconUserId), eq(beaconUserVersions.version, beaconReports.beaconUserVersion)))
    .where(and(eq(beaconReports.programId, program.id), isNull(beaconReports.deletedAt), gt(beaconReports.seq, after)))
    .orderBy(asc(beaconReports.seq))
    .limit(STEP_ROWS)
    .all();
  if (!page.length) return { next: null, changed: 0 };
  for (const { report, sealed } of page) {
    const { stored } = await indexKeys(secrets.hmacKey, normaliseIdentity(await openIdentity(secrets.piiKey, report.beaconUserId, sealed)));
    // The new keys first, then the old ones away: the report stays findable throughout.
    await indexReport(storage, { id: report.id, clientId: report.clientId, programId: report.programId, beaconUserId: report.beaconUserId, keys: stored, sealed });
    const stale = report.blockingKeys.filter((key) => !stored.includes(key));
    if (stale.length) await unindexReport(storage, { id: report.id, keys: stale }, stored);
    if (!sameKeys(stored, report.blockingKeys)) await db.update(beaconReports).set({ blockingKeys: stored }).where(eq(beaconReports.id, report.id));
  }
  return { next: { phase: 'reports', after: page.at(-1)!.report.seq }, changed: page.length };
}

const sameKeys = (a: string[], b: string[]) => a.length === b.length && a.every((key) => b.includes(key));

/** A shard's `/user` users, sealed anew: written only if unchanged since read (a concurrent
 * `/user/update` wins, having sealed with the current key itself). */
async function rotateUsers(storage: Storage, secrets: Secrets, shard: number, after: string | null): Promise<{ next: string | null; changed: number }> {
  const db = storage.userShard(shard);
  const page = await db
    .select({ id: users.id, identity: users.identity })
    .from(users)
    .where(after === null ? undefined : gt(users.id, after))
    .orderBy(asc(users.id))
    .limit(STEP_ROWS)
    .all();
  if (!page.length) return { next: null, changed: 0 };
  const stale = page.filter((u) => u.identity !== null && sealedKid(u.identity) !== secrets.piiKey.current.kid);
  // (Sealed values first: a drizzle query returned from an async function would run there.)
  const resealed = await Promise.all(stale.map(async (u) => sealJson(secrets.piiKey, await openJson(secrets.piiKey, u.identity!, userSealContext(u.id)), userSealContext(u.id))));
  const writes = stale.map((u, i) =>
    db
      .update(users)
      .set({ identity: resealed[i]! })
      .where(and(eq(users.id, u.id), eq(users.identity, u.identity!))),
  );
  const [first, ...rest] = writes;
  if (first) await db.batch([first, ...rest]);
  return { next: page.at(-1)!.id, changed: stale.length };
}

/** The webhook signing keys (a handful), sealed anew under the current sealing key. */
async function rotateWebhookKeys(storage: Storage, secrets: Secrets): Promise<{ next: null; changed: number }> {
  const rows = await storage.control.select().from(control.webhookKeys).all();
  let changed = 0;
  for (const row of rows) {
    if (sealedKid(row.privateJwk) === secrets.webhookSealingKey.current.kid) continue;
    const context = webhookKeySealContext(row.kid);
    const resealed = await sealJson(secrets.webhookSealingKey, await openJson(secrets.webhookSealingKey, row.privateJwk, context), context);
    await storage.control
      .update(control.webhookKeys)
      .set({ privateJwk: resealed })
      .where(and(eq(control.webhookKeys.kid, row.kid), eq(control.webhookKeys.privateJwk, row.privateJwk)));
    changed++;
  }
  return { next: null, changed };
}
