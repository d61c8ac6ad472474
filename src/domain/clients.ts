import { eq, gt } from 'drizzle-orm';
import { control, type Storage } from '../db';
import { errors } from '../errors';
import { constantTimeEqual, credentialDigest, keyedDigests } from '../lib/crypto';
import { listPage, PAGE_SIZE } from '../lib/cursor';
import { newClientId, newClientSecret } from '../lib/ids';
import { IsolateCache } from '../lib/isolate-cache';
import { nowTimestamp, timestampAt } from '../lib/time';
import type { Secrets } from '../secrets';
import { placeClient } from './directory';
import { validateWebhookUrl } from './webhooks/url';

export type Client = typeof control.clients.$inferSelect;

/** The operator's view of a client (never the secret or its digest). */
export function clientView(client: Client) {
  return {
    client_id: client.id,
    name: client.name,
    webhook_url: client.webhookUrl,
    disabled: client.disabled,
    previous_secret_expires_at: client.previousSecretExpiresAt,
    home_shard: client.homeShard,
    program_shard: client.programShard ?? client.homeShard,
    created_at: client.createdAt,
    updated_at: client.updatedAt,
  };
}

/** How long an isolate trusts what it read of a client. A change that must hold everywhere
 * at once — disabling or enabling, a secret rotated or revoked — answers only after this
 * long (`settled`), so that when the operator has the answer no isolate trusts the old state. */
export const CREDENTIAL_CACHE_MS = 2_000;
const recentClients = new IsolateCache<Client>(10_000, CREDENTIAL_CACHE_MS);

/** Credentials refused recently — an unknown client id or a wrong secret, never a disabled
 * client's — are refused again without a read: a flood of bad credentials costs no D1. */
const refusedCredentials = new IsolateCache<true>(10_000, 60_000);

/** The disabled clients (few), read at most once per CREDENTIAL_CACHE_MS in an isolate: a
 * change holds everywhere once `updateClient` has answered. */
const disabledClients = new IsolateCache<ReadonlySet<string>>(1, CREDENTIAL_CACHE_MS);

export async function disabledClientIds(storage: Storage): Promise<ReadonlySet<string>> {
  let ids = disabledClients.get('');
  if (!ids) {
    const rows = await storage.control.select({ id: control.clients.id }).from(control.clients).where(eq(control.clients.disabled, true)).all();
    disabledClients.set('', (ids = new Set(rows.map((row) => row.id))));
  }
  return ids;
}

/** Waits until every isolate has dropped what it knew of a client before the change. */
const settled = () => new Promise((resolve) => setTimeout(resolve, CREDENTIAL_CACHE_MS));

/** Which of the client's secrets `secret` is. The SHA-256 is tried first; the former HMAC
 * digests (lib/crypto.ts credentialDigests) only when it matches neither, so a request with
 * a current secret costs one hash. A `digestIndex` above 0 means the stored digest is a
 * former HMAC one. */
async function matchSecret(
  secrets: Secrets,
  client: Client,
  secret: { digest: string; value: string },
  now: string,
): Promise<{ column: 'secretDigest' | 'previousSecretDigest'; digestIndex: number } | null> {
  const previousValid = client.previousSecretDigest !== null && client.previousSecretExpiresAt !== null && client.previousSecretExpiresAt > now;
  const match = (digest: string, digestIndex: number) => {
    if (constantTimeEqual(digest, client.secretDigest)) return { column: 'secretDigest' as const, digestIndex };
    if (previousValid && constantTimeEqual(digest, client.previousSecretDigest!)) return { column: 'previousSecretDigest' as const, digestIndex };
    return null;
  };
  const current = match(secret.digest, 0);
  if (current) return current;
  const former = await keyedDigests(secrets.hmacKey, 'credential', secret.value);
  for (const [i, digest] of former.entries()) {
    const found = match(digest, i + 1);
    if (found) return found;
  }
  return null;
}

const secretOf = async (value: string) => ({ value, digest: await credentialDigest(value) });

/** The client, if this isolate has recently read it and the secret is one of its secrets: no
 * I/O. Requests that are not recognised so go through the per-source limit first. */
export async function recognisedClient(secrets: Secrets, clientId: string, secret: string): Promise<Client | undefined> {
  const client = recentClients.get(clientId);
  if (!client || client.disabled) return undefined;
  return (await matchSecret(secrets, client, await secretOf(secret), nowTimestamp())) ? client : undefined;
}

/** Authenticates API and dashboard calls. Unknown id, wrong secret and disabled client
 * get the same answer; the secret is compared by digest in constant time. */
export async function authenticateClient(storage: Storage, secrets: Secrets, clientId: string, secret: string): Promise<Client> {
  const given = await secretOf(secret);
  const refusal = `${clientId}\u0000${given.digest}`;
  if (refusedCredentials.get(refusal)) throw errors.invalidApiKeys();
  const now = nowTimestamp();
  let client = recentClients.get(clientId);
  let match = client && (await matchSecret(secrets, client, given, now));
  // A mismatch may mean a newly rotated secret: read again before refusing.
  if (!match) {
    client = await storage.control.select().from(control.clients).where(eq(control.clients.id, clientId)).get();
    if (client) recentClients.set(clientId, client);
    match = client && (await matchSecret(secrets, client, given, now));
  }
  if (!client || !match) {
    refusedCredentials.set(refusal, true);
    throw errors.invalidApiKeys();
  }
  if (client.disabled) throw errors.invalidApiKeys();
  if (match.digestIndex > 0) {
    await storage.control
      .update(control.clients)
      .set({ [match.column]: given.digest, ...(match.column === 'secretDigest' ? { secretHmacKid: null } : {}) })
      .where(eq(control.clients.id, client.id));
    recentClients.delete(client.id);
  }
  return client;
}

export async function createClient(storage: Storage, secrets: Secrets, input: { name: string; webhook_url?: string | null | undefined }) {
  const secret = newClientSecret();
  const now = nowTimestamp();
  const client = await storage.control
    .insert(control.clients)
    .values({
      id: newClientId(),
      name: input.name,
      secretDigest: await credentialDigest(secret),
      webhookUrl: input.webhook_url == null ? null : validateWebhookUrl(input.webhook_url, secrets),
      homeShard: await placeClient(storage),
      createdAt: now,
      updatedAt: now,
    })
    .returning()
    .get();
  return { client, secret };
}

export async function getClient(storage: Storage, clientId: string): Promise<Client> {
  const client = await storage.control.select().from(control.clients).where(eq(control.clients.id, clientId)).get();
  if (!client) throw errors.notFound('client_id');
  return client;
}

export async function listClients(storage: Storage, secrets: Secrets, cursor: string | null | undefined) {
  const { items, next_cursor } = await listPage(
    secrets.hmacKey,
    'clients',
    cursor,
    (after) =>
      storage.control
        .select()
        .from(control.clients)
        .where(gt(control.clients.seq, after ?? 0))
        .orderBy(control.clients.seq)
        .limit(PAGE_SIZE + 1)
        .all(),
    (client) => client.seq,
  );
  return { clients: items.map(clientView), next_cursor };
}

export interface ClientUpdate {
  client_id: string;
  name?: string | null;
  webhook_url?: string | null;
  disabled?: boolean | null;
  /** Where the client's new programs go (its existing data stays where it is). */
  program_shard?: number | null;
}

/** `urlField` names the request field the URL came in, for the error when it is refused. */
export async function updateClient(storage: Storage, secrets: Secrets, input: ClientUpdate, urlField = 'webhook_url'): Promise<Client> {
  const changes: Partial<Client> = { updatedAt: nowTimestamp() };
  if (input.name != null) changes.name = input.name;
  if (input.disabled != null) changes.disabled = input.disabled;
  // An explicit null clears the webhook URL; leaving the field out keeps it.
  if (input.webhook_url !== undefined) {
    changes.webhookUrl = input.webhook_url === null ? null : validateWebhookUrl(input.webhook_url, secrets, urlField);
  }
  if (input.program_shard != null) {
    if (!storage.layout.openUserShards.includes(input.program_shard)) {
      throw errors.invalidField(`program_shard must be an open user shard (${storage.layout.openUserShards.join(', ')})`);
    }
    changes.programShard = input.program_shard;
  }
  const client = await storage.control.update(control.clients).set(changes).where(eq(control.clients.id, input.client_id)).returning().get();
  if (!client) throw errors.notFound('client_id');
  recentClients.delete(client.id);
  if (input.disabled != null) {
    disabledClients.delete('');
    await settled();
  }
  return client;
}

/** Issues a new secret. The previous one keeps working for `overlapSeconds` (0: it stops at
 * once, everywhere — the answer comes when it has), so that a member can deploy the new one
 * first, as with Plaid's secret rotation. */
export async function rotateClientSecret(storage: Storage, clientId: string, overlapSeconds = 0) {
  const current = await getClient(storage, clientId);
  const secret = newClientSecret();
  const client = await storage.control
    .update(control.clients)
    .set({
      secretDigest: await credentialDigest(secret),
      previousSecretDigest: overlapSeconds > 0 ? current.secretDigest : null,
      previousSecretExpiresAt: overlapSeconds > 0 ? timestampAt(Date.now() + overlapSeconds * 1000) : null,
      updatedAt: nowTimestamp(),
    })
    .where(eq(control.clients.id, clientId))
    .returning()
    .get();
  if (!client) throw errors.notFound('client_id');
  recentClients.delete(client.id);
  if (overlapSeconds === 0) await settled();
  return { client, secret };
}

/** Ends a rotation's overlap early: the previous secret stops working at once, everywhere. */
export async function revokePreviousSecret(storage: Storage, clientId: string): Promise<Client> {
  const client = await storage.control
    .update(control.clients)
    .set({ previousSecretDigest: null, previousSecretExpiresAt: null, updatedAt: nowTimestamp() })
    .where(eq(control.clients.id, clientId))
    .returning()
    .get();
  if (!client) throw errors.notFound('client_id');
  recentClients.delete(client.id);
  await settled();
  return client;
}
