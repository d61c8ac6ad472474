/** Signing in, setting an account up from its one-time link, and signing out (docs/product.md
 * §8; domain/analysts). */
import type { Hono } from 'hono';
import { acceptInvitation, openInvitation, type OpenInvitation } from '../domain/analysts/accounts';
import { PASSWORD_MAX, PASSWORD_MIN } from '../domain/analysts/passwords';
import { endAllSessions, endSession, signIn, startSession } from '../domain/analysts/sessions';
import { totpUri } from '../domain/analysts/totp';
import { PlaidError } from '../errors';
import { clientAddress, sourceAdmitted } from '../http/endpoint';
import { endSessionCookie, presentedSessionToken, redirectWith, signedIn, startSessionCookie, type ConsoleContext, type ConsoleEnv } from './context';
import { Csrf } from './layout';
import { render } from './render';
import { sentence } from './words';

const field = (body: Record<string, unknown>, name: string) => (typeof body[name] === 'string' ? (body[name] as string) : '');

function SignInForm(props: { csrfToken: string; email: string }) {
  return (
    <form method="post" action="/console/sign-in" class="stack narrow">
      <Csrf token={props.csrfToken} />
      <label>
        Email address
        <input type="email" name="email" autocomplete="username" required value={props.email} />
      </label>
      <label>
        Password
        <input type="password" name="password" autocomplete="current-password" required />
      </label>
      <label>
        Authenticator code
        <input type="text" name="code" inputmode="numeric" autocomplete="one-time-code" pattern="[0-9 ]{6,7}" maxlength={7} required aria-describedby="code-help" />
      </label>
      <p id="code-help" class="help">
        The 6 digits your authenticator app shows for Beacon Network.
      </p>
      <button type="submit">Sign in</button>
    </form>
  );
}

async function signInPage(c: ConsoleContext, email = '', error: string | null = null, status: 200 | 400 | 429 = 200) {
  if (error) c.set('flash', { kind: 'error', text: error });
  return render(c, { title: 'Sign in', section: 'sign-in', status }, <SignInForm csrfToken={c.get('csrfToken')} email={email} />);
}

function SetupForm(props: { csrfToken: string; invitation: OpenInvitation; token: string }) {
  const { invitation } = props;
  const secret = invitation.totpSecret.replace(/(.{4})/g, '$1 ').trim();
  return (
    <>
      <p>
        Set up the console account of <strong>{invitation.email}</strong> ({invitation.account.role}). This link works once.
      </p>
      <form method="post" action={`/console/setup/${props.token}`} class="stack narrow">
        <Csrf token={props.csrfToken} />
        <input type="text" name="username" autocomplete="username" value={invitation.email} hidden readonly />
        <label>
          New password
          <input type="password" name="password" autocomplete="new-password" minlength={PASSWORD_MIN} maxlength={PASSWORD_MAX} required aria-describedby="password-help" />
        </label>
        <p id="password-help" class="help">
          At least {PASSWORD_MIN} characters. A passphrase of a few words is good.
        </p>
        <label>
          The same password again
          <input type="password" name="confirm" autocomplete="new-password" minlength={PASSWORD_MIN} maxlength={PASSWORD_MAX} required />
        </label>
        <fieldset>
          <legend>Authenticator</legend>
          <p>
            Add Beacon Network to an authenticator app (any TOTP app): open <a href={totpUri(invitation.totpSecret, invitation.email)}>this link</a> on the phone with the app, or
            type in the key:
          </p>
          <p>
            <code id="totp-secret" class="secret" data-secret={invitation.totpSecret}>
              {secret}
            </code>
          </p>
          <label>
            The code the app shows now
            <input type="text" name="code" inputmode="numeric" autocomplete="one-time-code" pattern="[0-9 ]{6,7}" maxlength={7} required />
          </label>
        </fieldset>
        <button type="submit">Set up my account</button>
      </form>
    </>
  );
}

async function setupPage(c: ConsoleContext, token: string, invitation: OpenInvitation | null, error: string | null = null) {
  if (!invitation) {
    return render(
      c,
      { title: 'Setup link not valid', section: 'sign-in', status: 404 },
      <p>This setup link does not work any more: it was used, it expired, or a newer one replaced it. Ask an admin of your team (or the operator) for a new one.</p>,
    );
  }
  if (error) c.set('flash', { kind: 'error', text: error });
  return render(
    c,
    { title: 'Set up your account', section: 'sign-in', status: error ? 400 : 200 },
    <SetupForm csrfToken={c.get('csrfToken')} invitation={invitation} token={token} />,
  );
}

export function registerAuthRoutes(pages: Hono<ConsoleEnv>): void {
  pages.get('/sign-in', (c) => (c.get('session') ? c.redirect('/console/queue') : signInPage(c)));

  pages.post('/sign-in', async (c) => {
    const body = await c.req.parseBody();
    const email = field(body, 'email');
    // An attempt before authentication: counted against its source's limit before any D1 read.
    if (!(await sourceAdmitted(c.env, c.req.raw.headers))) return signInPage(c, email, 'Too many requests from your network. Try again in a few seconds.', 429);
    const result = await signIn(c.get('storage'), c.get('secrets'), {
      email,
      password: field(body, 'password'),
      code: field(body, 'code'),
      address: clientAddress(c.req.raw.headers),
    });
    if (!result.ok) {
      if (result.waitSeconds !== null) {
        c.header('Retry-After', String(result.waitSeconds));
        return signInPage(c, email, `Too many failed sign-ins. Try again in ${Math.ceil(result.waitSeconds / 60)} minute(s).`, 429);
      }
      return signInPage(c, email, 'The email address, password or authenticator code is wrong.', 400);
    }
    // A new session; the one this browser came with, if any, ends (no fixation).
    const token = await startSession(c.get('storage'), result.account, presentedSessionToken(c));
    startSessionCookie(c, token);
    return redirectWith(c, '/console/queue');
  });

  pages.get('/setup/:token', async (c) => setupPage(c, c.req.param('token'), await openInvitation(c.get('storage'), c.get('secrets'), c.req.param('token'))));

  pages.post('/setup/:token', async (c) => {
    const token = c.req.param('token');
    const invitation = await openInvitation(c.get('storage'), c.get('secrets'), token);
    if (!invitation) return setupPage(c, token, null);
    const body = await c.req.parseBody();
    const password = field(body, 'password');
    if (password !== field(body, 'confirm')) return setupPage(c, token, invitation, 'The two passwords differ.');
    try {
      const account = await acceptInvitation(c.get('storage'), c.get('secrets'), invitation, { password, code: field(body, 'code') });
      startSessionCookie(c, await startSession(c.get('storage'), account, presentedSessionToken(c)));
      return redirectWith(c, '/console/queue', { kind: 'notice', text: 'Your account is ready.' });
    } catch (error) {
      if (error instanceof PlaidError) return setupPage(c, token, invitation, sentence(error.message));
      throw error;
    }
  });

  pages.post('/sign-out', async (c) => {
    const token = c.get('sessionToken');
    if (token) await endSession(c.get('storage'), token);
    endSessionCookie(c);
    return redirectWith(c, '/console/sign-in', { kind: 'notice', text: 'You are signed out.' });
  });

  pages.post('/account/sign-out-everywhere', async (c) => {
    const { account } = signedIn(c);
    await endAllSessions(c.get('storage'), account.id);
    endSessionCookie(c);
    return redirectWith(c, '/console/sign-in', { kind: 'notice', text: 'You are signed out on every device.' });
  });
}
