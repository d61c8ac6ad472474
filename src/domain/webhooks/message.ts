/** What goes over the wire: Plaid's webhook body and its `Plaid-Verification` signature. */
import { SignJWT } from 'jose';
import type { Environment } from '../../env';
import { toHex, utf8 } from '../../lib/encoding';
import type { BeaconEvent } from '../events';
import type { SigningKey } from './keys';

/** The header that carries the event's identity: the same on every delivery of an event
 * (retries, duplicates of at-least-once delivery, manual re-sends), so receivers can
 * de-duplicate. Plaid's body has no room for it, and the body must stay Plaid's. */
export const EVENT_ID_HEADER = 'Beacon-Event-Id';
/** Which attempt this is (1 for the first), for the receiver's logs. */
export const ATTEMPT_HEADER = 'Beacon-Delivery-Attempt';

export type WebhookBody = { webhook_type: 'BEACON'; environment: Environment } & BeaconEvent;

/** Plaid's shape, in Plaid's key order: `webhook_type`, `webhook_code`, the id, `environment`. */
export function webhookBody(event: BeaconEvent, environment: Environment): WebhookBody {
  return { webhook_type: 'BEACON', ...event, environment } as WebhookBody;
}

/** The exact bytes sent: 2-space-indented JSON, as Plaid sends it. The signature covers
 * exactly this text. */
export function serialiseBody(body: WebhookBody): string {
  return JSON.stringify(body, null, 2);
}

export async function sha256Hex(text: string): Promise<string> {
  return toHex(new Uint8Array(await crypto.subtle.digest('SHA-256', utf8.encode(text))));
}

/** The `Plaid-Verification` header: an ES256 JWT with `alg`, `kid` and `typ` in its
 * protected header and `iat` and `request_body_sha256` (hex) in its payload. */
export async function signBody(key: SigningKey, body: string, now = Date.now()): Promise<string> {
  return new SignJWT({ request_body_sha256: await sha256Hex(body) })
    .setProtectedHeader({ alg: 'ES256', kid: key.kid, typ: 'JWT' })
    .setIssuedAt(Math.floor(now / 1000))
    .sign(key.privateKey);
}
