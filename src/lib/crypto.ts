import { fromBase64, fromUtf8, toBase64Url, utf8 } from './encoding';

/** AES-256-GCM sealing of JSON values. `context` is bound as additional data, so a
 * ciphertext copied onto another row does not decrypt. Format: base64url(iv ‖ ciphertext). */
export async function sealJson(key: CryptoKey, value: unknown, context: string): Promise<string> {
  const iv = crypto.getRandomValues(new Uint8Array(12));
  const ciphertext = await crypto.subtle.encrypt(
    { name: 'AES-GCM', iv, additionalData: utf8.encode(context) },
    key,
    utf8.encode(JSON.stringify(value)),
  );
  const sealed = new Uint8Array(12 + ciphertext.byteLength);
  sealed.set(iv);
  sealed.set(new Uint8Array(ciphertext), 12);
  return toBase64Url(sealed);
}

export async function openJson<T>(key: CryptoKey, sealed: string, context: string): Promise<T> {
  const bytes = fromBase64(sealed);
  const plaintext = await crypto.subtle.decrypt(
    { name: 'AES-GCM', iv: bytes.subarray(0, 12), additionalData: utf8.encode(context) },
    key,
    bytes.subarray(12),
  );
  return JSON.parse(fromUtf8.decode(plaintext)) as T;
}

/** Purposes of keyed digests; the purpose is part of the MAC input so digests made for
 * one purpose never equal digests made for another. */
export type DigestPurpose =
  | 'credential'
  | 'user-token'
  | 'identity'
  | 'cursor'
  | 'blocking-key'
  // The console (domain/analysts): analysts' emails, session and setup tokens, CSRF tokens,
  // sign-in source addresses.
  | 'analyst-email'
  | 'console-token'
  | 'csrf'
  | 'sign-in-address';

/** HMAC-SHA256 of `value` under the deployment key, base64url. */
export async function keyedDigest(key: CryptoKey, purpose: DigestPurpose, value: string): Promise<string> {
  const mac = await crypto.subtle.sign('HMAC', key, utf8.encode(`${purpose}\u0000${value}`));
  return toBase64Url(new Uint8Array(mac));
}

/** Constant-time comparison of two strings (digests have a fixed length, so the
 * early length check reveals nothing). */
export function constantTimeEqual(a: string, b: string): boolean {
  const left = utf8.encode(a);
  const right = utf8.encode(b);
  if (left.byteLength !== right.byteLength) return false;
  return crypto.subtle.timingSafeEqual(left, right);
}
