import { eq, gt } from 'drizzle-orm';
import { control, type Storage } from '../db';
import { errors } from '../errors';
import { constantTimeEqual, keyedDigest } from '../lib/crypto';
import { listPage, PAGE_SIZE } from '../lib/cursor';
import { newClientId, newClientSecret } from '../lib/ids';
import { IsolateCache } from '../lib/isolate-cache';
import { nowTimestamp } from '../lib/time';
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
    home_shard: client.homeShard,
    program_shard: client.programShard ?? client.homeShard,
    created_at: client.createdAt,
    updated_at: client.updatedAt,
  };
}

/** Clients seen recently by this isolate. Disabling a client or rotating its secret takes
 * effect at once on the isolate that did it, and within the TTL everywhere else. */
const recentClients = new IsolateCache<Client>(10_000, 5_000);

/** Authenticates API and dashboard calls. Unknown id, wrong secret and disabled client
 * get the same answer; the secret is compared by digest in constant time. */
export async function authenticateClient(storage: Storage, secrets: Secrets, clientId: string, secret: string): Promise<Client> {
  const digest = await keyedDigest(secrets.hmacKey, 'credential', secret);
  let client = recentClients.get(clientId);
  // A mismatch may mean a newly rotated secret: read again before refusing.
  if (!client || !constantTimeEqual(digest, client.secretDigest)) {
    client = await storage.control.select().from(control.clients).where(eq(control.clients.id, clientId)).get();
    if (client) recentClients.set(clientId, client);
  }
  if (!client || !constantTimeEqual(digest, client.secretDigest) || client.disabled) throw errors.invalidApiKeys();
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
      secretDigest: await keyedDigest(secrets.hmacKey, 'credential', secret),
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
  return client;
}

/** Issues a new secret; the previous one stops working at once. */
export async function rotateClientSecret(storage: Storage, secrets: Secrets, clientId: string) {
  const secret = newClientSecret();
  const client = await storage.control
    .update(control.clients)
    .set({ secretDigest: await keyedDigest(secrets.hmacKey, 'credential', secret), updatedAt: nowTimestamp() })
    .where(eq(control.clients.id, clientId))
    .returning()
    .get();
  if (!client) throw errors.notFound('client_id');
  recentClients.delete(client.id);
  return { client, secret };
}
