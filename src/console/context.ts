/** What every console request gets (docs/product.md §8): the security headers, the databases and
 * the way to programs, the analyst's session if any, and the CSRF token its forms carry. */
import type { Context, MiddlewareHandler } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import { csrf } from 'hono/csrf';
import { createMiddleware } from 'hono/factory';
import { secureHeaders } from 'hono/secure-headers';
import { may, roleRefusal, type ConsoleAction } from '../domain/analysts/roles';
import { resumeSession, type ConsoleSession } from '../domain/analysts/sessions';
import type { Env } from '../env';
import { requestStorage, type RequestUsage } from '../http/endpoint';
import { PlaidError } from '../errors';
import { constantTimeEqual } from '../lib/crypto';
import { newSecretToken } from '../lib/ids';
import { loadSecrets, type Secrets } from '../secrets';
import { sentence } from './words';

type RequestStorage = ReturnType<typeof requestStorage>;

export interface ConsoleVars {
  requestId: string;
  storage: RequestStorage['storage'];
  programs: RequestStorage['programs'];
  secrets: Secrets;
  /** The signed-in analyst, or null. */
  session: ConsoleSession | null;
  sessionToken: string | null;
  /** The token this request's forms carry: the session's, or before sign-in the browser's
   * pre-session token (a double-submit cookie). */
  csrfToken: string;
  flash: Flash | null;
  /** What the request has cost in D1 (the Beacon-D1-Usage header, app.ts). */
  usage?: () => RequestUsage;
}

export type ConsoleEnv = { Bindings: Env; Variables: ConsoleVars };
export type ConsoleContext = Context<ConsoleEnv>;

/** A message for the next page (an action's outcome). */
export interface Flash {
  kind: 'notice' | 'error';
  text: string;
}

// `__Host-` cookies: Secure, Path=/, no Domain — only this host, only over HTTPS (browsers
// treat localhost as secure, so local development works too). HttpOnly: no script reads them.
const COOKIE = { path: '/', secure: true, httpOnly: true, sameSite: 'Lax', prefix: 'host' } as const;
const SESSION_COOKIE = 'beacon_session';
const PRE_SESSION_COOKIE = 'beacon_presession';
const FLASH_COOKIE = 'beacon_flash';

/** A strict Content-Security-Policy: scripts and styles only from the console's own files,
 * nothing inline, no framing; and no referrer, so a setup link never leaves in a Referer. */
const headers = secureHeaders({
  contentSecurityPolicy: {
    defaultSrc: ["'none'"],
    scriptSrc: ["'self'"],
    styleSrc: ["'self'"],
    imgSrc: ["'self'"],
    connectSrc: ["'self'"],
    formAction: ["'self'"],
    frameAncestors: ["'none'"],
    baseUri: ["'none'"],
  },
  referrerPolicy: 'no-referrer',
  crossOriginEmbedderPolicy: false,
});

/** Pages hold the member's data: never cached. */
const noStore: MiddlewareHandler = async (c, next) => {
  await next();
  c.header('Cache-Control', 'no-store');
};

/** The request's databases, secrets and session. */
const services = createMiddleware<ConsoleEnv>(async (c, next) => {
  const secrets = await loadSecrets(c.env);
  const { storage, programs, usage } = requestStorage(c.env);
  c.set('usage', usage);
  c.set('secrets', secrets);
  c.set('storage', storage);
  c.set('programs', programs);

  const token = presentedSessionToken(c);
  const session = token ? await resumeSession(storage, secrets, token) : null;
  if (token && !session) deleteCookie(c, SESSION_COOKIE, COOKIE);
  c.set('session', session);
  c.set('sessionToken', session ? token : null);

  let preSession = getCookie(c, PRE_SESSION_COOKIE, 'host');
  if (!session && !preSession) {
    preSession = newSecretToken();
    setCookie(c, PRE_SESSION_COOKIE, preSession, COOKIE);
  }
  c.set('csrfToken', session?.csrfToken ?? preSession ?? '');

  const flash = getCookie(c, FLASH_COOKIE, 'host');
  c.set('flash', flash ? readFlash(flash) : null);
  if (flash) deleteCookie(c, FLASH_COOKIE, COOKIE);

  await next();
});

/** Every state-changing request carries the page's CSRF token (`_csrf`), on top of the
 * Origin / Sec-Fetch-Site check: a form from another site can do neither. */
const csrfToken = createMiddleware<ConsoleEnv>(async (c, next) => {
  if (c.req.method === 'POST') {
    const body = await c.req.parseBody();
    const given = typeof body._csrf === 'string' ? body._csrf : '';
    if (!given || !constantTimeEqual(given, c.get('csrfToken'))) throw new Forbidden('The form has expired or did not come from this console. Reload the page and try again.');
  }
  await next();
});

export const consoleMiddleware = [headers, noStore, csrf(), services, csrfToken] as const;

/** The session token the browser presents, good or not. */
export const presentedSessionToken = (c: ConsoleContext): string | null => getCookie(c, SESSION_COOKIE, 'host') ?? null;

export function startSessionCookie(c: ConsoleContext, token: string): void {
  setCookie(c, SESSION_COOKIE, token, COOKIE);
  deleteCookie(c, PRE_SESSION_COOKIE, COOKIE);
}

export function endSessionCookie(c: ConsoleContext): void {
  deleteCookie(c, SESSION_COOKIE, COOKIE);
}

function readFlash(value: string): Flash | null {
  try {
    const flash = JSON.parse(decodeURIComponent(value)) as Flash;
    return (flash.kind === 'notice' || flash.kind === 'error') && typeof flash.text === 'string' ? flash : null;
  } catch {
    return null;
  }
}

/** Runs a form's action and goes back to `back` with its outcome: a notice, or a refusal of
 * the rules (a PlaidError below 500) as the rule's sentence. `work` may answer a page itself. */
export async function act(c: ConsoleContext, back: string, work: () => Promise<string | Response>): Promise<Response> {
  try {
    const done = await work();
    return typeof done === 'string' ? redirectWith(c, back, { kind: 'notice', text: done }) : done;
  } catch (error) {
    if (error instanceof PlaidError && error.status < 500) return redirectWith(c, back, { kind: 'error', text: sentence(error.message) });
    throw error;
  }
}

/** Redirects after a form (303: the next request is a GET), with a message for that page. */
export function redirectWith(c: ConsoleContext, location: string, flash?: Flash): Response {
  if (flash) setCookie(c, FLASH_COOKIE, encodeURIComponent(JSON.stringify(flash)), { ...COOKIE, maxAge: 60 });
  return c.redirect(location, 303);
}

/** The signed-in analyst; pages that need one send others to sign in. */
export function signedIn(c: ConsoleContext): ConsoleSession {
  const session = c.get('session');
  if (!session) throw new SignInRequired();
  return session;
}

/** The analyst, if their role allows `action` (docs/product.md §8); otherwise refused. */
export function allowedTo(c: ConsoleContext, action: ConsoleAction): ConsoleSession {
  const session = signedIn(c);
  if (!may(session.account.role, action)) throw new Forbidden(roleRefusal(session.account.role, action)!);
  return session;
}

export class SignInRequired extends Error {
  override name = 'SignInRequired';
}

/** A console request refused: a role that may not act, or a form without its token. */
export class Forbidden extends Error {
  override name = 'Forbidden';
}
