/** Why a delivery failed, as the delivery log records it: a stable code and one fixed
 * sentence per code. Never the receiver's or the runtime's own words: a member chooses its
 * URL, so raw connection errors would let it probe hosts and ports it cannot otherwise see.
 * The raw error goes to the operator's logs only. */
import type { DeliveryFailure } from '../../vocabulary';
import { DELIVERY_TIMEOUT_MS } from './schedule';

export type { DeliveryFailure };

export const DELIVERY_FAILURE_MESSAGES: Record<DeliveryFailure, string> = {
  timeout: `no answer within ${DELIVERY_TIMEOUT_MS / 1000} s`,
  connection_refused: 'the receiver refused the connection',
  unreachable: 'the receiver could not be reached',
  tls: 'no secure connection could be made with the receiver',
  http_status: 'the receiver answered with a status other than 2xx (last_http_status)',
  redirect: 'the receiver answered with a redirect, and redirects are not followed',
  url_not_allowed: 'the webhook URL is not allowed by the URL rules; set another one with /dashboard/webhook/update',
  signing_failed: 'the webhook could not be signed',
  no_webhook_url: 'no webhook URL was set for this client when the event was due; set one with /dashboard/webhook/update, then retry',
  client_disabled: 'the client was disabled when the event was due; once it is enabled again, retry',
};

/** Statuses Cloudflare's edge answers with itself when it cannot connect to an origin (the
 * receiver, or the receiver's own origin behind Cloudflare). 530, which goes with DNS and
 * other errors, says too little to be named. */
const CLOUDFLARE_ORIGIN_ERRORS: Record<number, DeliveryFailure> = {
  521: 'connection_refused',
  522: 'timeout',
  523: 'unreachable',
  524: 'timeout',
  525: 'tls',
  526: 'tls',
};

/** The failure an answer other than 2xx stands for. */
export function failureOfStatus(status: number): DeliveryFailure {
  if (status >= 300 && status < 400) return 'redirect';
  return CLOUDFLARE_ORIGIN_ERRORS[status] ?? 'http_status';
}

/** The failure a `fetch` that threw stands for. The runtime's messages do not say why a
 * connection failed (workerd: "Network connection lost.", "internal error"), so anything
 * but the timeout is `unreachable`. */
export function failureOfError(error: unknown): DeliveryFailure {
  const name = error instanceof Error ? error.name : '';
  return name === 'TimeoutError' || name === 'AbortError' ? 'timeout' : 'unreachable';
}
