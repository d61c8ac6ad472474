/** One HTTP attempt: POST the body to the receiver and say how it went. */
import { failureOfError, failureOfStatus, type DeliveryFailure } from './failures';
import { DELIVERY_TIMEOUT_MS, parseRetryAfter } from './schedule';

export type AttemptOutcome =
  | { ok: true; status: number }
  /** `status` is null when no answer came (timeout, connection failure). */
  | { ok: false; status: number | null; failure: DeliveryFailure; retryAfterSeconds: number | null };

export interface Attempt {
  url: string;
  body: string;
  headers: Record<string, string>;
}

/** Success is any 2xx within DELIVERY_TIMEOUT_MS. Redirects are not followed (a 3xx is a
 * failure): following one could lead to an address the URL rules refuse. */
export async function sendAttempt({ url, body, headers }: Attempt): Promise<AttemptOutcome> {
  let response: Response;
  try {
    response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'user-agent': 'Beacon-Network-Webhooks/1', ...headers },
      body,
      redirect: 'manual',
      signal: AbortSignal.timeout(DELIVERY_TIMEOUT_MS),
    });
  } catch (error) {
    const failure = failureOfError(error);
    console.error(`webhook to ${new URL(url).host}: ${failure}`, error);
    return { ok: false, status: null, failure, retryAfterSeconds: null };
  }
  // The answer's body is not used; release it.
  await response.body?.cancel().catch(() => undefined);
  const { status } = response;
  if (status >= 200 && status < 300) return { ok: true, status };
  const retryAfterSeconds = status === 429 ? parseRetryAfter(response.headers.get('retry-after')) : null;
  return { ok: false, status, failure: failureOfStatus(status), retryAfterSeconds };
}
