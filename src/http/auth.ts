import type { Storage } from '../db';
import { SYSTEM, type Actor } from '../domain/actor';
import { authenticateClient, recognisedClient, type Client } from '../domain/clients';
import { errors } from '../errors';
import { matchesSecret } from '../lib/crypto';
import { DashboardUserId } from '../schemas/fields';
import type { Secrets } from '../secrets';

/** The three planes of docs/product.md §1. */
export type Plane = 'api' | 'dashboard' | 'admin';

/** Whether the request carries the operator's token (`Authorization: Bearer …`), compared
 * in time that reveals neither the token nor its length. */
export async function hasAdminToken(headers: Headers, secrets: Secrets): Promise<boolean> {
  const token = /^Bearer (.+)$/.exec(headers.get('authorization') ?? '')?.[1];
  return token !== undefined && (await matchesSecret(token, secrets.adminTokenDigest));
}

/** Whether the request's header credentials are a client this isolate read moments ago: the
 * only requests that skip the per-source limit, because they cost no read. */
export async function recognisedFromHeaders(headers: Headers, secrets: Secrets): Promise<boolean> {
  const clientId = headers.get('plaid-client-id');
  const secret = headers.get('plaid-secret');
  return clientId !== null && secret !== null && (await recognisedClient(secrets, clientId, secret)) !== undefined;
}

/** Checks the credentials of a plane and removes them from `body`, so that request
 * schemas describe only the endpoint's own fields. The admin token was checked before the
 * body was read (`register`). */
export async function authenticate(
  plane: Plane,
  headers: Headers,
  body: Record<string, unknown>,
  storage: Storage,
  secrets: Secrets,
): Promise<{ client: Client | null; actor: Actor }> {
  if (plane === 'admin') return { client: null, actor: SYSTEM };

  const clientId = take(body, 'client_id') ?? headers.get('plaid-client-id');
  const secret = take(body, 'secret') ?? headers.get('plaid-secret');
  const dashboardUserId = plane === 'dashboard' ? take(body, 'dashboard_user_id') : null;
  const missing = [...(clientId ? [] : ['client_id']), ...(secret ? [] : ['secret']), ...(plane === 'dashboard' && !dashboardUserId ? ['dashboard_user_id'] : [])];
  if (missing.length) throw errors.missingFields(missing);

  const client = await authenticateClient(storage, secrets, clientId!, secret!);
  if (plane === 'api') return { client, actor: { source: 'api', dashboardUserId: null } };

  const parsed = DashboardUserId.safeParse(dashboardUserId);
  if (!parsed.success) throw errors.invalidField(`dashboard_user_id: ${parsed.error.issues[0]?.message}`);
  return { client, actor: { source: 'dashboard', dashboardUserId: parsed.data } };
}

/** Removes a credential field from the body; present but not a string is INVALID_FIELD. */
function take(body: Record<string, unknown>, field: string): string | null {
  const value = body[field];
  delete body[field];
  if (value === undefined || value === null) return null;
  if (typeof value !== 'string') throw errors.invalidField(`${field} must be a string`);
  return value;
}
