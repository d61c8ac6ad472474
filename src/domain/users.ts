import { and, eq, inArray } from 'drizzle-orm';
import { isUniqueViolation, userShard, type ShardDb, type Storage } from '../db';
import { errors } from '../errors';
import { credentialDigest, credentialDigests, openJson, sealJson } from '../lib/crypto';
import { newId, newUserToken } from '../lib/ids';
import { nowTimestamp } from '../lib/time';
import type { ClientUserIdentity, ConsumerReportUserIdentity } from '../schemas/user';
import type { Secrets } from '../secrets';

/** `/user/*` (docs/product.md §5.6): a client's end users, addressed by `user_id` or by a
 * `user_token` that is stored only as a keyed digest. They live in the client's home shard
 * (`db` below). */

const { users } = userShard;

/** The client whose users these are, and its home shard. */
interface Owner {
  id: string;
  homeShard: number;
}

const homeOf = (storage: Storage, owner: Owner): ShardDb => storage.userShard(owner.homeShard);

type UserRow = typeof users.$inferSelect;

interface UserIdentities {
  identity: ClientUserIdentity | null;
  consumer_report_user_identity: ConsumerReportUserIdentity | null;
}

/** A `/user` identity is sealed with its user's id as context. */
export const userSealContext = (userId: string) => `user:${userId}`;

export async function createUser(storage: Storage, secrets: Secrets, owner: Owner, input: { client_user_id: string } & Partial<UserIdentities>) {
  const id = newId('user');
  const token = newUserToken(secrets.environment);
  const now = nowTimestamp();
  const identities: UserIdentities = {
    identity: input.identity ?? null,
    consumer_report_user_identity: input.consumer_report_user_identity ?? null,
  };
  try {
    await homeOf(storage, owner)
      .insert(users)
      .values({
        id,
        clientId: owner.id,
        clientUserId: input.client_user_id,
        tokenDigest: await credentialDigest(token),
        identity: await sealJson(secrets.piiKey, identities, userSealContext(id)),
        createdAt: now,
        updatedAt: now,
      });
  } catch (error) {
    if (isUniqueViolation(error)) {
      throw errors.refused('a user with this client_user_id already exists; use /user/update to change it');
    }
    throw error;
  }
  return { user_token: token, user_id: id };
}

/** Finds the client's user by `user_id`, or else by `user_token`. */
async function locateUser(db: ShardDb, secrets: Secrets, clientId: string, ref: { user_id?: string | null; user_token?: string | null }): Promise<UserRow> {
  if (ref.user_id) {
    const row = await db
      .select()
      .from(users)
      .where(and(eq(users.id, ref.user_id), eq(users.clientId, clientId)))
      .get();
    if (!row) throw errors.notFound('user_id');
    return row;
  }
  if (ref.user_token) {
    const digests = await credentialDigests(secrets.hmacKey, 'user-token', ref.user_token);
    const row = await db
      .select()
      .from(users)
      .where(and(inArray(users.tokenDigest, digests), eq(users.clientId, clientId)))
      .get();
    if (!row) throw errors.invalidUserToken();
    if (row.tokenDigest !== digests[0]) {
      await db.update(users).set({ tokenDigest: digests[0]!, tokenHmacKid: null }).where(eq(users.id, row.id));
    }
    return row;
  }
  throw errors.missingFields(['user_id or user_token']);
}

async function identitiesOf(secrets: Secrets, row: UserRow): Promise<UserIdentities> {
  if (!row.identity) return { identity: null, consumer_report_user_identity: null };
  return openJson<UserIdentities>(secrets.piiKey, row.identity, userSealContext(row.id));
}

export async function getUser(storage: Storage, secrets: Secrets, owner: Owner, userId: string) {
  const row = await locateUser(homeOf(storage, owner), secrets, owner.id, { user_id: userId });
  const identities = await identitiesOf(secrets, row);
  return {
    user_id: row.id,
    client_user_id: row.clientUserId,
    created_at: row.createdAt,
    updated_at: row.updatedAt,
    identity: identities.identity && identityView(identities.identity),
    consumer_report_user_identity: identities.consumer_report_user_identity,
  };
}

/** A list the request gave as `null` was not provided: Plaid's answer leaves it out. */
function identityView({ emails, phone_numbers, addresses, id_numbers, ...rest }: ClientUserIdentity) {
  return {
    ...rest,
    ...(emails ? { emails } : {}),
    ...(phone_numbers ? { phone_numbers } : {}),
    ...(addresses ? { addresses } : {}),
    ...(id_numbers ? { id_numbers } : {}),
  };
}

/** Merge semantics: each given top-level identity field replaces the stored one. */
export async function updateUser(storage: Storage, secrets: Secrets, owner: Owner, input: { user_id?: string | null; user_token?: string | null } & Partial<UserIdentities>) {
  const db = homeOf(storage, owner);
  const row = await locateUser(db, secrets, owner.id, input);
  const current = await identitiesOf(secrets, row);
  const patch = Object.fromEntries(Object.entries(input.identity ?? {}).filter(([, value]) => value != null));
  const next: UserIdentities = {
    identity: input.identity ? ({ ...current.identity, ...patch } as ClientUserIdentity) : current.identity,
    consumer_report_user_identity: input.consumer_report_user_identity ?? current.consumer_report_user_identity,
  };
  await db
    .update(users)
    .set({ identity: await sealJson(secrets.piiKey, next, userSealContext(row.id)), updatedAt: nowTimestamp() })
    .where(eq(users.id, row.id));
  return {};
}

export async function removeUser(storage: Storage, secrets: Secrets, owner: Owner, ref: { user_id?: string | null; user_token?: string | null }) {
  const db = homeOf(storage, owner);
  const row = await locateUser(db, secrets, owner.id, ref);
  await db.delete(users).where(eq(users.id, row.id));
  return {};
}
