/** Analysts' passwords: Argon2id (RFC 9106), OWASP's first recommendation for password
 * storage, at OWASP's minimum parameters — 19 MiB of memory, 2 passes, 1 lane — with a
 * 16-byte random salt per password, stored as a PHC string
 * (`$argon2id$v=19$m=19456,t=2,p=1$<salt>$<hash>`).
 *
 * Why not PBKDF2: workerd's WebCrypto refuses PBKDF2 above 100,000 iterations, under OWASP's
 * 600,000 for PBKDF2-SHA256, and PBKDF2 is cheap on GPUs whatever the count. Argon2id is
 * memory-hard. It runs here from `@noble/hashes` (audited, pure JavaScript: Workers may not
 * compile WebAssembly at run time, which rules out the WASM builds), in about 0.3 s of CPU
 * per hash, yielding to other requests every few milliseconds. */
import { argon2idAsync } from '@noble/hashes/argon2.js';
import { constantTimeEqual } from '../../lib/crypto';
import { fromBase64, utf8 } from '../../lib/encoding';
import { errors } from '../../errors';

const PARAMS = { m: 19_456, t: 2, p: 1 } as const;
const SALT_BYTES = 16;
const HASH_BYTES = 32;

/** NIST SP 800-63B: at least 12 characters here (no composition rules); the upper bound
 * keeps a hash's input reasonable. */
export const PASSWORD_MIN = 12;
export const PASSWORD_MAX = 256;

export function assertPasswordAcceptable(password: string): void {
  if (password.length < PASSWORD_MIN) throw errors.invalidField(`password must be at least ${PASSWORD_MIN} characters`);
  if (password.length > PASSWORD_MAX) throw errors.invalidField(`password must be at most ${PASSWORD_MAX} characters`);
}

const b64 = (bytes: Uint8Array) => btoa(String.fromCharCode(...bytes)).replace(/=+$/, '');

async function derive(password: string, salt: Uint8Array, params: { m: number; t: number; p: number }): Promise<Uint8Array> {
  return argon2idAsync(utf8.encode(password), salt, { ...params, dkLen: HASH_BYTES, asyncTick: 5 });
}

export async function hashPassword(password: string): Promise<string> {
  const salt = crypto.getRandomValues(new Uint8Array(SALT_BYTES));
  const hash = await derive(password, salt, PARAMS);
  return `$argon2id$v=19$m=${PARAMS.m},t=${PARAMS.t},p=${PARAMS.p}$${b64(salt)}$${b64(hash)}`;
}

/** Whether `password` is the one `stored` was made from; `rehash` when it was made with
 * other parameters than today's (the caller stores a new hash). */
export async function verifyPassword(password: string, stored: string): Promise<{ ok: boolean; rehash: boolean }> {
  const match = /^\$argon2id\$v=19\$m=(\d+),t=(\d+),p=(\d+)\$([A-Za-z0-9+/]+)\$([A-Za-z0-9+/]+)$/.exec(stored);
  if (!match) return { ok: false, rehash: false };
  const params = { m: Number(match[1]), t: Number(match[2]), p: Number(match[3]) };
  const hash = await derive(password, fromBase64(match[4]!), params);
  const ok = constantTimeEqual(b64(hash), match[5]!);
  return { ok, rehash: ok && (params.m !== PARAMS.m || params.t !== PARAMS.t || params.p !== PARAMS.p) };
}

/** The same work as a verification, for a sign-in whose account does not exist: its answer
 * then takes as long as a wrong password's. */
export async function spendVerification(password: string): Promise<void> {
  await derive(password, crypto.getRandomValues(new Uint8Array(SALT_BYTES)), PARAMS);
}
