/** Console sign-in and sessions (docs/product.md §8).
 *
 * Sign-in takes an email address, a password and an authenticator code together, so a
 * wrong answer never says which part was wrong. Attempts are throttled per account and per
 * source address before anything is checked (throttle.ts). An address may have an account
 * in more than one member company: each account's own password and authenticator decide.
 *
 * Sessions are server-side: the browser holds a random token, the control database its
 * SHA-256. A session ends after IDLE_MS without a request, at ABSOLUTE_MS after
 * sign-in whatever happens, at sign-out, at sign-out everywhere (every session of the
 * account), and when the account is deactivated or its member disabled. Each sign-in makes
 * a new session and ends the one the browser came with (no session fixation). The CSRF
 * token of a session is a keyed digest of its token: nothing to store, and it changes with
 * the session. */
import { and, eq, inArray, isNull, lt, or } from 'drizzle-orm';
import { control, type Storage } from '../../db';
import { credentialDigest, keyedDigest } from '../../lib/crypto';
import { newSecretToken } from '../../lib/ids';
import { timestampAt } from '../../lib/time';
import type { Secrets } from '../../secrets';
import { emailDigest, emailDigests, openTotpSecret, type DashboardUser } from './accounts';
import { hashPassword, spendVerification, verifyPassword } from './passwords';
import { ACCOUNT_THRESHOLD, ADDRESS_THRESHOLD, clearSignInFailures, recordSignInFailure, waitBeforeSignIn, type ThrottleKey } from './throttle';
import { acceptTotp } from './totp';

const { dashboardUsers, consoleSessions, clients } = control;

export const IDLE_MS = 30 * 60_000;
export const ABSOLUTE_MS = 12 * 60 * 60_000;
/** A session's last activity is written at most this often (not on every request). */
const TOUCH_MS = 60_000;
/** Accounts of one email address looked at in one sign-in, at most. */
const ACCOUNTS_PER_EMAIL = 5;

export type SignIn = { ok: true; account: DashboardUser } | { ok: false; waitSeconds: number | null };

export interface SignInAttempt {
  email: string;
  password: string;
  code: string;
  /** Where the attempt came from (CF-Connecting-IP), when known. */
  address: string | null;
}

/** The keys an attempt's failures count against: the account (the email's digest, known or
 * not) and, when known, the source address. */
export async function signInKeys(secrets: Secrets, attempt: Pick<SignInAttempt, 'email' | 'address'>): Promise<[ThrottleKey, ...ThrottleKey[]]> {
  const accountKey: ThrottleKey = { key: `account:${await emailDigest(secrets, attempt.email)}`, threshold: ACCOUNT_THRESHOLD };
  if (!attempt.address) return [accountKey];
  return [accountKey, { key: `address:${await keyedDigest(secrets.hmacKey, 'sign-in-address', attempt.address)}`, threshold: ADDRESS_THRESHOLD }];
}

export async function signIn(storage: Storage, secrets: Secrets, attempt: SignInAttempt): Promise<SignIn> {
  const keys = await signInKeys(secrets, attempt);
  const [accountKey] = keys;

  const wait = await waitBeforeSignIn(storage, keys);
  if (wait !== null) return { ok: false, waitSeconds: wait };

  const digests = await emailDigests(secrets, attempt.email);
  const candidates = await storage.control
    .select()
    .from(dashboardUsers)
    .where(and(inArray(dashboardUsers.emailDigest, digests), eq(dashboardUsers.status, 'active')))
    .limit(ACCOUNTS_PER_EMAIL)
    .all();
  if (!candidates.length) await spendVerification(attempt.password);
  for (const account of candidates) {
    const password = await verifyPassword(attempt.password, account.passwordHash ?? '');
    if (!password.ok || !account.totpSecret) continue;
    const step = acceptTotp(await openTotpSecret(secrets, account, account.totpSecret), attempt.code, account.totpLastStep);
    if (step === null) continue;
    // The step is taken only if no concurrent sign-in took it first: a code is good once.
    const [taken] = await storage.control
      .update(dashboardUsers)
      .set({ totpLastStep: step, ...(password.rehash ? { passwordHash: await hashPassword(attempt.password) } : {}) })
      .where(and(eq(dashboardUsers.id, account.id), or(isNull(dashboardUsers.totpLastStep), lt(dashboardUsers.totpLastStep, step))))
      .returning();
    if (!taken) continue;
    await clearSignInFailures(storage, accountKey);
    return { ok: true, account: taken };
  }
  await recordSignInFailure(storage, keys);
  return { ok: false, waitSeconds: null };
}

/** Session tokens are 256 random bits: stored as SHA-256, like client secrets. */
const tokenDigest = (token: string) => credentialDigest(token);

/** A new session for `account`: its token, for the cookie. The session the browser came
 * with, if any, ends, and so do the account's expired ones. */
export async function startSession(storage: Storage, account: DashboardUser, previousToken: string | null): Promise<string> {
  const token = newSecretToken();
  const now = Date.now();
  const at = timestampAt(now);
  await storage.control.batch([
    storage.control
      .delete(consoleSessions)
      .where(
        or(
          previousToken ? eq(consoleSessions.tokenDigest, await tokenDigest(previousToken)) : undefined,
          and(eq(consoleSessions.dashboardUserId, account.id), or(lt(consoleSessions.expiresAt, at), lt(consoleSessions.lastSeenAt, timestampAt(now - IDLE_MS)))),
        ),
      ),
    storage.control.insert(consoleSessions).values({
      tokenDigest: await tokenDigest(token),
      dashboardUserId: account.id,
      createdAt: at,
      lastSeenAt: at,
      expiresAt: timestampAt(now + ABSOLUTE_MS),
    }),
  ]);
  return token;
}

/** A signed-in analyst: the account, and the session's CSRF token. */
export interface ConsoleSession {
  account: DashboardUser;
  csrfToken: string;
}

/** The session a token names, if it is still good; an expired one is removed. One read,
 * and a write at most once a minute. */
export async function resumeSession(storage: Storage, secrets: Secrets, token: string): Promise<ConsoleSession | null> {
  const digest = await tokenDigest(token);
  // A batch of one: one round trip, and D1 reports the rows it read (the meter counts them).
  const [[row]] = await storage.control.batch([
    storage.control
      .select({ session: consoleSessions, account: dashboardUsers, clientDisabled: clients.disabled })
      .from(consoleSessions)
      .innerJoin(dashboardUsers, eq(dashboardUsers.id, consoleSessions.dashboardUserId))
      .innerJoin(clients, eq(clients.id, dashboardUsers.clientId))
      .where(eq(consoleSessions.tokenDigest, digest)),
  ]);
  if (!row) return null;
  const now = Date.now();
  const { session, account } = row;
  const expired = Date.parse(session.expiresAt) <= now || Date.parse(session.lastSeenAt) + IDLE_MS <= now;
  if (expired || account.status !== 'active' || row.clientDisabled) {
    if (expired) await storage.control.delete(consoleSessions).where(eq(consoleSessions.tokenDigest, digest));
    return null;
  }
  if (Date.parse(session.lastSeenAt) + TOUCH_MS <= now) {
    await storage.control
      .update(consoleSessions)
      .set({ lastSeenAt: timestampAt(now) })
      .where(eq(consoleSessions.tokenDigest, digest));
  }
  return { account, csrfToken: await csrfToken(secrets, token) };
}

export const csrfToken = (secrets: Secrets, sessionToken: string) => keyedDigest(secrets.hmacKey, 'csrf', sessionToken);

export async function endSession(storage: Storage, token: string): Promise<void> {
  await storage.control.delete(consoleSessions).where(eq(consoleSessions.tokenDigest, await tokenDigest(token)));
}

/** Sign-out everywhere: every session of the account ends. */
export async function endAllSessions(storage: Storage, dashboardUserId: string): Promise<void> {
  await storage.control.delete(consoleSessions).where(eq(consoleSessions.dashboardUserId, dashboardUserId));
}
