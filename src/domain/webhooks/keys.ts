/** The keys that sign webhooks: ES256 (P-256) key pairs of this deployment's environment,
 * each named by a `kid` (a UUID). The current key signs; a rotated-out key keeps verifying
 * until it expires. Private keys are stored only sealed with the PII key. */
import { and, eq, isNull } from 'drizzle-orm';
import { exportJWK, generateKeyPair, importJWK, type JWK } from 'jose';
import { control, type ControlDb } from '../../db';
import type { Environment } from '../../env';
import { errors } from '../../errors';
import { openJson, sealJson } from '../../lib/crypto';
import type { Secrets } from '../../secrets';

const { webhookKeys } = control;

type WebhookKeyRow = typeof webhookKeys.$inferSelect;

/** How long a rotated-out key keeps verifying: 24 h + 5 min. A signature is only good for
 * 5 minutes after its `iat`, so minutes would do for webhooks in flight; the day is for
 * receivers that cache keys (Plaid's recipe refreshes only keys it does not know) or verify
 * from their own queue a while after receipt, and the 5 minutes cover `iat`'s window. */
export const ROTATION_OVERLAP_SECONDS = 24 * 60 * 60 + 5 * 60;

export const unixNow = (): number => Math.floor(Date.now() / 1000);

/** The spec's JWKPublicKey. `expired_at` is null while the key verifies — the current key,
 * and a rotated-out one until its overlap ends — so that Plaid's recipe, which rejects a key
 * whose `expired_at` is set, accepts it; afterwards it is when the key stopped verifying. */
export interface JWKPublicKey {
  alg: 'ES256';
  crv: 'P-256';
  kid: string;
  kty: 'EC';
  use: 'sig';
  x: string;
  y: string;
  created_at: number;
  expired_at: number | null;
}

export function publicKeyView(row: WebhookKeyRow, now = unixNow()): JWKPublicKey {
  return {
    alg: 'ES256',
    crv: 'P-256',
    kid: row.kid,
    kty: 'EC',
    use: 'sig',
    x: row.publicJwk.x,
    y: row.publicJwk.y,
    created_at: row.createdAt,
    expired_at: row.expiresAt !== null && row.expiresAt <= now ? row.expiresAt : null,
  };
}

/** `/webhook_verification_key/get`: any key of this environment, current, rotated out or
 * expired (a receiver may verify an old webhook's `kid`). Unknown is "key_id not found". */
export async function getVerificationKey(db: ControlDb, secrets: Secrets, kid: string): Promise<JWKPublicKey> {
  const row = await db
    .select()
    .from(webhookKeys)
    .where(and(eq(webhookKeys.kid, kid), eq(webhookKeys.environment, secrets.environment)))
    .get();
  if (!row) throw errors.notFound('key_id');
  return publicKeyView(row);
}

/** A signing key ready to use. */
export interface SigningKey {
  kid: string;
  privateKey: CryptoKey;
}

/** A private key is sealed with its `kid` as context. */
export const webhookKeySealContext = (kid: string) => `webhook-key:${kid}`;

/** Imported private keys by kid, per isolate: unsealing and importing cost more than
 * reading the current kid, which is read afresh for every batch so that signing always
 * uses the current key. */
const imported = new Map<string, Promise<CryptoKey>>();

/** The current signing key, created on first use. Two isolates creating it at once both
 * insert; the partial unique index keeps one, and both then read that one. */
export async function currentSigningKey(db: ControlDb, secrets: Secrets): Promise<SigningKey> {
  let row = await selectCurrent(db, secrets.environment);
  if (!row) {
    await db
      .insert(webhookKeys)
      .values(await newKeyRow(secrets))
      .onConflictDoNothing();
    row = await selectCurrent(db, secrets.environment);
    if (!row) throw new Error('no current webhook key after creating one');
  }
  return { kid: row.kid, privateKey: await importPrivateKey(secrets, row) };
}

/** `/admin/webhook_key/rotate`: a new current key; the previous one keeps verifying for
 * ROTATION_OVERLAP_SECONDS. Both changes are one D1 batch, so there is always exactly one
 * current key. */
export async function rotateSigningKey(db: ControlDb, secrets: Secrets): Promise<{ kid: string; previous: string | null }> {
  const next = await newKeyRow(secrets);
  const [expired] = await db.batch([
    db
      .update(webhookKeys)
      .set({ expiresAt: next.createdAt + ROTATION_OVERLAP_SECONDS })
      .where(and(eq(webhookKeys.environment, secrets.environment), isNull(webhookKeys.expiresAt)))
      .returning({ kid: webhookKeys.kid }),
    db.insert(webhookKeys).values(next),
  ]);
  return { kid: next.kid, previous: expired[0]?.kid ?? null };
}

function selectCurrent(db: ControlDb, environment: Environment) {
  return db
    .select()
    .from(webhookKeys)
    .where(and(eq(webhookKeys.environment, environment), isNull(webhookKeys.expiresAt)))
    .get();
}

async function newKeyRow(secrets: Secrets): Promise<WebhookKeyRow> {
  const kid = crypto.randomUUID();
  const { publicKey, privateKey } = await generateKeyPair('ES256', { extractable: true });
  const pub = await exportJWK(publicKey);
  const priv = await exportJWK(privateKey);
  return {
    kid,
    environment: secrets.environment,
    publicJwk: { kty: 'EC', crv: 'P-256', x: pub.x!, y: pub.y! },
    privateJwk: await sealJson(secrets.webhookSealingKey, priv, webhookKeySealContext(kid)),
    createdAt: unixNow(),
    expiresAt: null,
  };
}

function importPrivateKey(secrets: Secrets, row: WebhookKeyRow): Promise<CryptoKey> {
  let key = imported.get(row.kid);
  if (!key) {
    key = (async () => {
      const jwk = await openJson<JWK>(secrets.webhookSealingKey, row.privateJwk, webhookKeySealContext(row.kid));
      return (await importJWK(jwk, 'ES256')) as CryptoKey;
    })();
    key.catch(() => imported.delete(row.kid));
    imported.set(row.kid, key);
  }
  return key;
}
