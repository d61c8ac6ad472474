/** The second factor of console sign-in: TOTP (RFC 6238; SHA-1, 6 digits, 30 s, as every
 * authenticator app reads them) through the `otpauth` package. A code is good for its own
 * step and one step either side (clock drift), and once only: an account remembers the last
 * step it accepted and refuses that step and earlier ones, so a code seen over a shoulder or
 * replayed from a log does not sign in again. */
import { Secret, TOTP } from 'otpauth';

const ISSUER = 'Beacon Network';
const PERIOD_SECONDS = 30;
const WINDOW = 1;

/** A new authenticator secret: 160 random bits (RFC 4226's recommendation), base32. */
export const newTotpSecret = (): string => new Secret({ size: 20 }).base32;

const totpOf = (secret: string, label: string) => new TOTP({ issuer: ISSUER, label, algorithm: 'SHA1', digits: 6, period: PERIOD_SECONDS, secret: Secret.fromBase32(secret) });

/** The `otpauth://` URI an authenticator app enrols from (its label: the account's email). */
export const totpUri = (secret: string, label: string): string => totpOf(secret, label).toString();

/** The time step a code was accepted for, or null when it is wrong or already used (a step
 * not after `lastStep`). */
export function acceptTotp(secret: string, code: string, lastStep: number | null, now = Date.now()): number | null {
  const token = code.replace(/\s/g, '');
  if (!/^\d{6}$/.test(token)) return null;
  const delta = totpOf(secret, '').validate({ token, timestamp: now, window: WINDOW });
  if (delta === null) return null;
  const step = Math.floor(now / 1000 / PERIOD_SECONDS) + delta;
  return lastStep !== null && step <= lastStep ? null : step;
}
