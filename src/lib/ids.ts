import { toBase64Url, toHex } from './encoding';

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

/** Crypto-random base62; bytes ≥ 248 are dropped so every symbol is equally likely. */
export function randomBase62(length: number): string {
  let out = '';
  while (out.length < length) {
    for (const byte of crypto.getRandomValues(new Uint8Array(length + 8))) {
      if (byte < 248) out += BASE62[byte % 62];
      if (out.length === length) break;
    }
  }
  return out;
}

const PREFIX = {
  beaconUser: 'becusr',
  program: 'becprg',
  report: 'becrpt',
  syndication: 'becrsn',
  duplicate: 'becdup',
  user: 'usr',
  event: 'evt',
  deadLetter: 'dlt',
  heldMatch: 'hld',
  note: 'becnte',
} as const;

/** Object ids: prefix + 14 random base62 characters (docs/product.md §3). */
export function newId(kind: keyof typeof PREFIX): string {
  return `${PREFIX[kind]}_${randomBase62(14)}`;
}

export const newRequestId = (): string => randomBase62(15);

/** Client credentials are shaped like Plaid's: a 24-hex client_id and a 30-hex secret. */
export const newClientId = (): string => toHex(crypto.getRandomValues(new Uint8Array(12)));
export const newClientSecret = (): string => toHex(crypto.getRandomValues(new Uint8Array(15)));

/** Analyst accounts' ids are shaped like Plaid's `dashboard_user_id`: 24 lowercase hex. */
export const newDashboardUserId = (): string => toHex(crypto.getRandomValues(new Uint8Array(12)));

/** Bearer secrets handed to a browser (session cookies, one-time setup links): 256 bits. */
export const newSecretToken = (): string => toBase64Url(crypto.getRandomValues(new Uint8Array(32)));

export const newUserToken = (environment: string): string => `user-${environment}-${crypto.randomUUID()}`;
