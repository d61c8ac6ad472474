import type { Env, Environment } from './env';
import { fromBase64 } from './lib/encoding';

/** The deployment's configuration, read from Worker vars and secrets. There are no
 * defaults: a missing or malformed secret stops every request with a clear message. */
export interface Secrets {
  environment: Environment;
  adminToken: string;
  /** AES-256-GCM key for identity data at rest. */
  piiKey: CryptoKey;
  /** HMAC-SHA256 key for digests (credentials, tokens, index keys, cursors). */
  hmacKey: CryptoKey;
}

export class ConfigurationError extends Error {
  override name = 'ConfigurationError';
}

let cache: { fingerprint: string; secrets: Promise<Secrets> } | undefined;

export function loadSecrets(env: Env): Promise<Secrets> {
  const fingerprint = [env.ENVIRONMENT, env.ADMIN_TOKEN, env.PII_ENCRYPTION_KEY, env.HMAC_KEY].join('\u0000');
  if (cache?.fingerprint !== fingerprint) {
    const secrets = readSecrets(env);
    secrets.catch(() => (cache = undefined));
    cache = { fingerprint, secrets };
  }
  return cache.secrets;
}

async function readSecrets(env: Env): Promise<Secrets> {
  const environment = env.ENVIRONMENT;
  if (environment !== 'sandbox' && environment !== 'production') {
    throw new ConfigurationError(`ENVIRONMENT must be "sandbox" or "production", not ${JSON.stringify(environment)}`);
  }
  const adminToken = required(env, 'ADMIN_TOKEN');
  if (adminToken.length < 32) throw new ConfigurationError('secret ADMIN_TOKEN must be at least 32 characters');
  const piiKey = await crypto.subtle.importKey('raw', keyBytes(env, 'PII_ENCRYPTION_KEY', 32, 32), 'AES-GCM', false, [
    'encrypt',
    'decrypt',
  ]);
  const hmacKey = await crypto.subtle.importKey(
    'raw',
    keyBytes(env, 'HMAC_KEY', 32, 64),
    { name: 'HMAC', hash: 'SHA-256' },
    false,
    ['sign'],
  );
  return { environment, adminToken, piiKey, hmacKey };
}

type SecretName = 'ADMIN_TOKEN' | 'PII_ENCRYPTION_KEY' | 'HMAC_KEY';

function required(env: Env, name: SecretName): string {
  const value = env[name];
  if (!value) throw new ConfigurationError(`secret ${name} is not set (wrangler secret put ${name})`);
  return value;
}

function keyBytes(env: Env, name: SecretName, min: number, max: number): Uint8Array {
  let bytes: Uint8Array;
  try {
    bytes = fromBase64(required(env, name).trim());
  } catch (error) {
    if (error instanceof ConfigurationError) throw error;
    throw new ConfigurationError(`secret ${name} must be base64`);
  }
  if (bytes.byteLength < min || bytes.byteLength > max) {
    const size = min === max ? `${min}` : `${min} to ${max}`;
    throw new ConfigurationError(`secret ${name} must be base64 of ${size} random bytes (openssl rand -base64 ${min})`);
  }
  return bytes;
}
