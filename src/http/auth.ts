import type { Storage } from '../db';
import { SYSTEM, type Actor } from '../domain/actor';
import { authenticateClient, type Client } from '../domain/clients';
import { errors } from '../errors';
import { constantTimeEqual } from '../lib/crypto';
import { DashboardUserId } from '../schemas/fields';
import type { Secrets } from '../secrets';

/** The three planes of PRODUCT.md §1. */
export type Plane = 'api' | 'dashboard' | 'admin';

/** Checks the credentials of a plane and removes them from `body`, so that request
 * schemas describe only the endpoint's own fields. */
export async function authenticate(
  plane: Plane,
  headers: Headers,
  body: Record<string, unknown>,
  storage: Storage,
  secrets: Secrets,
): Promise<{ client: Client | null; actor: Actor }> {
  if (plane === 'admin') {
    const token = /^Bearer (.+)$/.exec(headers.get('authorization') ?? '')?.[1];
    if (!token || !constantTimeEqual(token, secrets.adminToken)) throw errors.invalidAdminToken();
    return { client: null, actor: SYSTEM };
  }

  const clientId = take(body, 'client_id') ?? headers.get('plaid-client-id');
  const secret = take(body, 'secret') ?? headers.get('plaid-secret');
  const dashboardUserId = plane === 'dashboard' ? take(body, 'dashboard_user_id') : null;
  const missing = [
    ...(clientId ? [] : ['client_id']),
    ...(secret ? [] : ['secret']),
    ...(plane === 'dashboard' && !dashboardUserId ? ['dashboard_user_id'] : []),
  ];
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
