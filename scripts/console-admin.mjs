// A member's first console admin, made the way an operator and a new admin do it: the
// operator's /admin/dashboard_user/create, then the one-time setup link (a password and an
// authenticator). Shared by `npm run dev` (the sandbox admin) and the benchmark.
import { randomBytes } from 'node:crypto';
import { Secret, TOTP } from 'otpauth';

/** The current code of an authenticator with this base32 secret (the console's: SHA-1, 6 digits, 30 s).
 * @param {string} secret */
export const totpCode = (secret) => new TOTP({ algorithm: 'SHA1', digits: 6, period: 30, secret: Secret.fromBase32(secret) }).generate();

/**
 * A console page with a form, as a browser holds it: the cookies it set, its CSRF token, its HTML.
 * @param {Response} page
 */
export async function consoleForm(page) {
  const cookie = page.headers
    .getSetCookie()
    .map((c) => c.split(';')[0])
    .join('; ');
  const html = await page.text();
  return { cookie, csrf: /name="_csrf" value="([^"]+)"/.exec(html)?.[1], html };
}

/**
 * @typedef {{ email: string, password: string, totp_secret: string, dashboard_user_id: string }} ConsoleAdmin
 */

/**
 * @param {string} url the Worker's base URL
 * @param {string} adminToken
 * @param {string} clientId
 * @param {string} email
 * @returns {Promise<{ admin: ConsoleAdmin, cookie: string }>} the admin, and the cookie of the
 *   session its setup opened
 */
export async function setUpConsoleAdmin(url, adminToken, clientId, email) {
  const response = await fetch(`${url}/admin/dashboard_user/create`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${adminToken}` },
    body: JSON.stringify({ client_id: clientId, email_address: email }),
  });
  const created = /** @type {any} */ (await response.json());
  if (!response.ok) throw new Error(`/admin/dashboard_user/create: ${created.error_code}: ${created.error_message}`);

  const { cookie: preSession, csrf, html } = await consoleForm(await fetch(created.setup_url));
  const totpSecret = /data-secret="([A-Z2-7]+)"/.exec(html)?.[1];
  if (!csrf || !totpSecret) throw new Error(`the setup page at ${created.setup_url} did not offer its form`);
  const password = randomBytes(18).toString('base64url');
  const code = totpCode(totpSecret);
  const done = await fetch(created.setup_url, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded', origin: new URL(url).origin, cookie: preSession },
    body: new URLSearchParams({ _csrf: csrf, password, confirm: password, code }),
  });
  if (done.status !== 303) throw new Error(`setting up the console admin failed (HTTP ${done.status})`);
  const cookie = done.headers
    .getSetCookie()
    .map((c) => c.split(';')[0] ?? '')
    .filter((c) => c.startsWith('__Host-beacon_session='))
    .join('; ');
  return { admin: { email, password, totp_secret: totpSecret, dashboard_user_id: created.id }, cookie };
}
