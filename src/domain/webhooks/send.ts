/** One HTTP attempt: POST the body to the receiver and say how it went. */
import { DELIVERY_TIMEOUT_MS, parseRetryAfter } from './schedule';

export type AttemptOutcome =
  | { ok: true; status: number }
  /** `status` is null when no answer came (timeout, connection refused, DNS…). */
  | { ok: false; status: number | null; error: string; retryAfterSeconds: number | null };

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
    const name = error instanceof Error ? error.name : '';
    if (name === 'TimeoutError' || name === 'AbortError') {
      return { ok: false, status: null, error: `no answer within ${DELIVERY_TIMEOUT_MS / 1000} s`, retryAfterSeconds: null };
    }
    return { ok: false, status: null, error: `could not reach the webhook URL: ${describe(error)}`, retryAfterSeconds: null };
  }
  // The answer's body is not used; release it.
  await response.body?.cancel().catch(() => undefined);
  const { status } = response;
  if (status >= 200 && status < 300) return { ok: true, status };
  const retryAfterSeconds = status === 429 ? parseRetryAfter(response.headers.get('retry-after')) : null;
  const error =
    status >= 300 && status < 400
      ? `the receiver answered HTTP ${status} (a redirect; redirects are not followed)`
      : `the receiver answered HTTP ${status}`;
  return { ok: false, status, error, retryAfterSeconds };
}

function describe(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.slice(0, 200) || 'network error';
}
