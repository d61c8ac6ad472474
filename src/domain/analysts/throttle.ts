/** Slowing down repeated failed sign-ins (docs/product.md §8), counted in the control database per
 * account (by the digest of the email given, whether or not it has an account, so that the
 * answer says nothing about which do) and per source address (by its digest). Within a
 * window of FAILURE_WINDOW_MS, from a key's `threshold`-th failure on, each further attempt
 * waits: 1 minute, then twice as long after each further failure, up to an hour. A refused
 * attempt is not checked at all (no password hash is computed for it), and a success clears
 * the account's count. A wait, once known, is remembered by the isolate until it ends: a
 * flood of refused attempts costs no D1 read (a wait never ends early — nothing can succeed
 * while it lasts). */
import { eq, inArray, sql } from 'drizzle-orm';
import { control, type Storage } from '../../db';
import { IsolateCache } from '../../lib/isolate-cache';
import { timestampAt } from '../../lib/time';

const { signInThrottles } = control;

export const FAILURE_WINDOW_MS = 15 * 60_000;
const FIRST_WAIT_MS = 60_000;
const LONGEST_WAIT_MS = 60 * 60_000;

/** A counted key and the failures it takes before attempts wait. */
export interface ThrottleKey {
  key: string;
  threshold: number;
}

/** Five wrong tries per account, twenty per address (an office behind one address). */
export const ACCOUNT_THRESHOLD = 5;
export const ADDRESS_THRESHOLD = 20;

/** Keys known to wait, and until when (ms): 10,000 keys at most, none kept past the longest wait. */
const waiting = new IsolateCache<number>(10_000, LONGEST_WAIT_MS);

function remember(key: string, until: number, now: number): void {
  if (until > now) waiting.set(key, until);
}

/** Seconds until the first of `keys` allows an attempt again, or null when all do. */
export async function waitBeforeSignIn(storage: Storage, keys: ThrottleKey[], now = Date.now()): Promise<number | null> {
  const known = Math.max(...keys.map((k) => waiting.get(k.key) ?? 0));
  if (known > now) return Math.ceil((known - now) / 1000);
  const rows = await storage.control
    .select({ key: signInThrottles.key, blockedUntil: signInThrottles.blockedUntil })
    .from(signInThrottles)
    .where(
      inArray(
        signInThrottles.key,
        keys.map((k) => k.key),
      ),
    )
    .all();
  const untils = keys.map((k) => {
    const blockedUntil = rows.find((r) => r.key === k.key)?.blockedUntil;
    return blockedUntil ? Date.parse(blockedUntil) : 0;
  });
  keys.forEach((k, i) => remember(k.key, untils[i]!, now));
  const until = Math.max(...untils);
  return until > now ? Math.ceil((until - now) / 1000) : null;
}

/** Counts a failed attempt against each key. */
export async function recordSignInFailure(storage: Storage, keys: ThrottleKey[], now = Date.now()): Promise<void> {
  const at = timestampAt(now);
  const windowStart = timestampAt(now - FAILURE_WINDOW_MS);
  for (const { key, threshold } of keys) {
    // A window that has passed starts again at this failure.
    const stale = sql`${signInThrottles.windowStartedAt} < ${windowStart}`;
    const [row] = await storage.control
      .insert(signInThrottles)
      .values({ key, failures: 1, windowStartedAt: at })
      .onConflictDoUpdate({
        target: signInThrottles.key,
        set: {
          failures: sql`CASE WHEN ${stale} THEN 1 ELSE ${signInThrottles.failures} + 1 END`,
          windowStartedAt: sql`CASE WHEN ${stale} THEN ${at} ELSE ${signInThrottles.windowStartedAt} END`,
        },
      })
      .returning({ failures: signInThrottles.failures })
      .all();
    const beyond = (row?.failures ?? 0) - threshold;
    if (beyond >= 0) {
      const until = now + Math.min(FIRST_WAIT_MS * 2 ** beyond, LONGEST_WAIT_MS);
      await storage.control
        .update(signInThrottles)
        .set({ blockedUntil: timestampAt(until) })
        .where(eq(signInThrottles.key, key));
      remember(key, until, now);
    }
  }
}

export async function clearSignInFailures(storage: Storage, key: ThrottleKey): Promise<void> {
  waiting.delete(key.key);
  await storage.control.delete(signInThrottles).where(eq(signInThrottles.key, key.key));
}
