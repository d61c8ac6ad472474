import { fromBase64, fromUtf8, toBase64Url, utf8 } from './encoding';

/** A key and the id it is configured under (`<kid>:<base64>`, see secrets.ts). */
export interface VersionedKey {
  kid: string;
  key: CryptoKey;
}

/** The keys of one purpose. The current key seals and digests everything new; during a
 * rotation the previous one still opens and matches what was made before, until the
 * rotation has moved every row to the current key (domain/key-rotation.ts). */
export interface KeyRing {
  current: VersionedKey;
  previous: VersionedKey | null;
}

/** The ring's keys, the current one first. */
export function ringKeys(ring: KeyRing): VersionedKey[] {
  return ring.previous ? [ring.current, ring.previous] : [ring.current];
}

/** AES-256-GCM sealing of JSON values under the ring's current key. `context` is bound as
 * additional data, so a ciphertext copied onto another row does not decrypt. Format:
 * `<kid>.<base64url(iv ‖ ciphertext)>`, so that it opens with the key that sealed it. */
export async function sealJson(ring: KeyRing, value: unknown, context: string): Promise<string> {
  const { kid, key } = ring.current;
  const iv = crypto.getRandomValues(new Uint8Array(12));
  const ciphertext = await crypto.subtle.encrypt({ name: 'AES-GCM', iv, additionalData: utf8.encode(context) }, key, utf8.encode(JSON.stringify(value)));
  const sealed = new Uint8Array(12 + ciphertext.byteLength);
  sealed.set(iv);
  sealed.set(new Uint8Array(ciphertext), 12);
  return `${kid}.${toBase64Url(sealed)}`;
}

/** The id of the key a value was sealed with. */
export function sealedKid(sealed: string): string {
  return sealed.slice(0, sealed.indexOf('.'));
}

export async function openJson<T>(ring: KeyRing, sealed: string, context: string): Promise<T> {
  const kid = sealedKid(sealed);
  const key = ringKeys(ring).find((k) => k.kid === kid)?.key;
  if (!key) throw new Error(`a value is sealed with key ${JSON.stringify(kid)}, which is not configured`);
  const bytes = fromBase64(sealed.slice(kid.length + 1));
  const plaintext = await crypto.subtle.decrypt({ name: 'AES-GCM', iv: bytes.subarray(0, 12), additionalData: utf8.encode(context) }, key, bytes.subarray(12));
  return JSON.parse(fromUtf8.decode(plaintext)) as T;
}

/** Purposes of keyed digests; the purpose is part of the MAC input so digests made for
 * one purpose never equal digests made for another. (`credential` and `user-token` only
 * to recognise credentials stored before they were stored as SHA-256.) */
export type DigestPurpose =
  | 'credential'
  | 'user-token'
  | 'identity'
  | 'cursor'
  | 'blocking-key'
  // The console (domain/analysts): analysts' email addresses, CSRF tokens, sign-in sources.
  | 'analyst-email'
  | 'csrf'
  | 'sign-in-address';

async function digestWith(key: CryptoKey, purpose: DigestPurpose, value: string): Promise<string> {
  const mac = await crypto.subtle.sign('HMAC', key, utf8.encode(`${purpose}\u0000${value}`));
  return toBase64Url(new Uint8Array(mac));
}

/** HMAC-SHA256 of `value` under the ring's current key, base64url: what is stored. */
export function keyedDigest(ring: KeyRing, purpose: DigestPurpose, value: string): Promise<string> {
  return digestWith(ring.current.key, purpose, value);
}

/** The value's digest under each key of the ring, the current one first: what a stored
 * digest may be while a rotation moves rows from the previous key to the current one. */
export function keyedDigests(ring: KeyRing, purpose: DigestPurpose, value: string): Promise<string[]> {
  return Promise.all(ringKeys(ring).map((k) => digestWith(k.key, purpose, value)));
}

/** What a credential (a client secret, a user token) is stored as: its SHA-256, base64url.
 * Credentials are long random values, so a keyed digest would add nothing, and an unkeyed
 * one is untouched by key rotations. */
export async function credentialDigest(credential: string): Promise<string> {
  return toBase64Url(await secretDigest(credential));
}

/** What a stored credential digest may be: the SHA-256 first, then the HMAC under each
 * configured key that credentials were stored as before (`legacyPurpose`; such a digest is
 * replaced by the SHA-256 when the credential is next used). */
export async function credentialDigests(ring: KeyRing, legacyPurpose: DigestPurpose, credential: string): Promise<string[]> {
  return [await credentialDigest(credential), ...(await keyedDigests(ring, legacyPurpose, credential))];
}

/** Constant-time comparison of two digests of one kind (they have a fixed length, so the
 * early length check reveals nothing). */
export function constantTimeEqual(a: string, b: string): boolean {
  const left = utf8.encode(a);
  const right = utf8.encode(b);
  if (left.byteLength !== right.byteLength) return false;
  return crypto.subtle.timingSafeEqual(left, right);
}

/** SHA-256 of a secret, so that secrets of any length compare as equal-length digests. */
export async function secretDigest(secret: string): Promise<Uint8Array> {
  return new Uint8Array(await crypto.subtle.digest('SHA-256', utf8.encode(secret)));
}

/** Whether `given` is the secret whose SHA-256 is `expected`, in time that reveals neither
 * the secret nor its length. */
export async function matchesSecret(given: string, expected: Uint8Array): Promise<boolean> {
  return crypto.subtle.timingSafeEqual(await secretDigest(given), expected);
}
