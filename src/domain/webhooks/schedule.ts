import type { Env } from '../../env';
import { ConfigurationError } from '../../secrets';

/** Plaid's schedule (docs/product.md §5.5): the first retry 30 s after a failed attempt, each
 * next delay 4× the last, for up to 24 h. */
export const DEFAULT_BASE_DELAY_SECONDS = 30;
export const BACKOFF_FACTOR = 4;

/** Cloudflare Queues refuses a `delaySeconds` above 12 h, so the one delay that would be
 * longer (30 s × 4⁶ = 34 h 8 min) is cut to 12 h. */
export const MAX_DELAY_SECONDS = 12 * 60 * 60;

/** Retries after the first attempt: 8 attempts in all. With the default base the last one
 * lands 23 h 22 min 30 s after the first (30 + 120 + 480 + 1 920 + 7 680 + 30 720 + 43 200 s);
 * one more would land past 24 h. Must equal `max_retries` of the `beacon-webhooks` consumers
 * in wrangler.toml: Queues moves a message that fails its last attempt to the dead-letter
 * queue. */
export const MAX_RETRIES = 7;

/** How long the delivery may take: any 2xx within this time is a success. */
export const DELIVERY_TIMEOUT_MS = 10_000;

export interface RetryPolicy {
  /** Delay before the first retry (`WEBHOOK_RETRY_BASE_SECONDS`, default 30). */
  baseDelaySeconds: number;
}

/** Reads the retry policy from the Worker's vars. `WEBHOOK_RETRY_BASE_SECONDS` scales the
 * whole schedule (an integer from 0 to 30; 0 retries at once), so that a local run can
 * watch retries and dead letters happen in seconds. Left unset, it is Plaid's 30. */
export function retryPolicy(env: Pick<Env, 'WEBHOOK_RETRY_BASE_SECONDS'>): RetryPolicy {
  const raw = env.WEBHOOK_RETRY_BASE_SECONDS;
  if (raw === undefined || raw === '') return { baseDelaySeconds: DEFAULT_BASE_DELAY_SECONDS };
  const value = Number(raw);
  if (!/^\d+$/.test(String(raw).trim()) || value > DEFAULT_BASE_DELAY_SECONDS) {
    throw new ConfigurationError(`WEBHOOK_RETRY_BASE_SECONDS must be an integer from 0 to ${DEFAULT_BASE_DELAY_SECONDS}, not ${JSON.stringify(raw)}`);
  }
  return { baseDelaySeconds: value };
}

/** The scheduled delay after failed attempt `attempt` (1-based): base × 4^(attempt−1), at
 * most 12 h. */
export function scheduledDelay(policy: RetryPolicy, attempt: number): number {
  const delay = policy.baseDelaySeconds * BACKOFF_FACTOR ** Math.max(0, attempt - 1);
  return Math.min(delay, MAX_DELAY_SECONDS);
}

/** Whether attempt `attempt` (1-based) was the last one: Queues dead-letters a message that
 * fails it. */
export function isLastAttempt(attempt: number): boolean {
  return attempt > MAX_RETRIES;
}

/** The delay before the next attempt. A 429's `Retry-After` (seconds, or an HTTP date) is
 * honoured when it asks for a longer wait than the schedule, up to the 12 h Queues allows;
 * a shorter one does not bring the retry forward, because every retry spends one of the
 * eight attempts and the schedule is what makes them span a day. */
export function nextDelay(policy: RetryPolicy, attempt: number, retryAfterSeconds: number | null): number {
  const scheduled = scheduledDelay(policy, attempt);
  if (retryAfterSeconds === null) return scheduled;
  return Math.min(Math.max(scheduled, retryAfterSeconds), MAX_DELAY_SECONDS);
}

/** Parses a `Retry-After` header: delta-seconds or an HTTP date (RFC 9110 §10.2.3).
 * Returns whole seconds from `now`, or null when absent or malformed. */
export function parseRetryAfter(header: string | null, now = Date.now()): number | null {
  if (header === null) return null;
  const value = header.trim();
  if (/^\d+$/.test(value)) return Number(value);
  const at = Date.parse(value);
  if (Number.isNaN(at)) return null;
  return Math.max(0, Math.ceil((at - now) / 1000));
}

/** The whole schedule, for documentation and tests: the delay after each failed attempt and
 * when each attempt happens, counted from the first. */
export function schedule(policy: RetryPolicy): { attempt: number; at: number; delayAfter: number | null }[] {
  const rows = [];
  let at = 0;
  for (let attempt = 1; attempt <= MAX_RETRIES + 1; attempt++) {
    const delayAfter = isLastAttempt(attempt) ? null : scheduledDelay(policy, attempt);
    rows.push({ attempt, at, delayAfter });
    if (delayAfter !== null) at += delayAfter;
  }
  return rows;
}
