import type { HostPattern, PortRange, WebhookTargets } from './domain/webhooks/url';
import type { Env, Environment } from './env';
import { secretDigest, type KeyRing, type VersionedKey } from './lib/crypto';
import { fromBase64 } from './lib/encoding';

/** The deployment's configuration, read from Worker vars and secrets. There are no
 * defaults: a missing or malformed secret stops every request with a clear message. */
export interface Secrets {
  environment: Environment;
  /** SHA-256 of the operator's token: compared in time that reveals nothing of it. */
  adminTokenDigest: Uint8Array;
  /** AES-256-GCM keys for identity data at rest (`PII_ENCRYPTION_KEY`, and during a
   * rotation `PII_ENCRYPTION_KEY_PREVIOUS`). */
  piiKey: KeyRing;
  /** HMAC-SHA256 keys for digests: credentials, tokens, identity digests, index keys,
   * cursors (`HMAC_KEY`, `HMAC_KEY_PREVIOUS`). */
  hmacKey: KeyRing;
  /** AES-256-GCM keys that seal the webhook signing keys, and only them
   * (`WEBHOOK_SEALING_KEY`, `WEBHOOK_SEALING_KEY_PREVIOUS`). */
  webhookSealingKey: KeyRing;
  /** Where webhooks may be sent, beyond the rules every deployment applies. */
  webhookTargets: WebhookTargets;
}

export class ConfigurationError extends Error {
  override name = 'ConfigurationError';
}

let cache: { fingerprint: string; secrets: Promise<Secrets> } | undefined;

export function loadSecrets(env: Env): Promise<Secrets> {
  const fingerprint = [
    env.ENVIRONMENT,
    env.ADMIN_TOKEN,
    env.PII_ENCRYPTION_KEY,
    env.PII_ENCRYPTION_KEY_PREVIOUS,
    env.HMAC_KEY,
    env.HMAC_KEY_PREVIOUS,
    env.WEBHOOK_SEALING_KEY,
    env.WEBHOOK_SEALING_KEY_PREVIOUS,
    env.WEBHOOK_HOST_ALLOWLIST,
    env.WEBHOOK_LOCAL_PORTS,
  ].join('\u0000');
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
  const aes: KeyKind = { algorithm: 'AES-GCM', usages: ['encrypt', 'decrypt'], bytes: [32, 32] };
  const hmac: KeyKind = { algorithm: { name: 'HMAC', hash: 'SHA-256' }, usages: ['sign'], bytes: [32, 64] };
  const [piiKey, hmacKey, webhookSealingKey] = await Promise.all([
    keyRing(env, 'PII_ENCRYPTION_KEY', aes),
    keyRing(env, 'HMAC_KEY', hmac),
    keyRing(env, 'WEBHOOK_SEALING_KEY', aes),
  ]);
  const webhookTargets = { allowedHosts: hostAllowlist(env.WEBHOOK_HOST_ALLOWLIST), localPorts: localPorts(env.WEBHOOK_LOCAL_PORTS) };
  return { environment, adminTokenDigest: await secretDigest(adminToken), piiKey, hmacKey, webhookSealingKey, webhookTargets };
}

/** The entries of a comma-separated var; unset and empty are the same. */
const entries = (raw: string | undefined) =>
  (raw ?? '')
    .split(',')
    .map((entry) => entry.trim())
    .filter(Boolean);

/** `WEBHOOK_HOST_ALLOWLIST`: host names, and `*.example.com` for any name under a domain.
 * Unset: any public host. */
function hostAllowlist(raw: string | undefined): HostPattern[] | null {
  const patterns = entries(raw).map((entry) => {
    const subdomains = entry.startsWith('*.');
    const host = hostName(subdomains ? entry.slice(2) : entry);
    if (!host) {
      throw new ConfigurationError(`WEBHOOK_HOST_ALLOWLIST must list host names (hooks.example.com) or patterns (*.example.com) separated by commas, not ${JSON.stringify(entry)}`);
    }
    return { host, subdomains };
  });
  return patterns.length ? patterns : null;
}

/** A host name with at least two labels, as the URL parser spells it (lowercase, IDNs in
 * punycode), or null. */
function hostName(name: string): string | null {
  if (!/^[^\s/\\:@?#*[\]]+$/.test(name)) return null;
  let host: string;
  try {
    host = new URL(`https://${name}/`).hostname.replace(/\.$/, '');
  } catch {
    return null;
  }
  return /^[a-z0-9-]+(\.[a-z0-9-]+)+$/.test(host) ? host : null;
}

/** `WEBHOOK_LOCAL_PORTS`: ports and ranges (`9000-9099`). Unset: none. */
function localPorts(raw: string | undefined): PortRange[] {
  return entries(raw).map((entry) => {
    const match = /^(\d{1,5})(?:-(\d{1,5}))?$/.exec(entry);
    const first = Number(match?.[1]);
    const last = Number(match?.[2] ?? match?.[1]);
    if (!match || first < 1 || last > 65535 || first > last) {
      throw new ConfigurationError(`WEBHOOK_LOCAL_PORTS must list ports (1-65535) or ranges (9000-9099) separated by commas, not ${JSON.stringify(entry)}`);
    }
    return { first, last };
  });
}

type KeyName = 'PII_ENCRYPTION_KEY' | 'HMAC_KEY' | 'WEBHOOK_SEALING_KEY';
type SecretName = 'ADMIN_TOKEN' | KeyName | `${KeyName}_PREVIOUS`;

function required(env: Env, name: SecretName): string {
  const value = env[name];
  if (!value) throw new ConfigurationError(`secret ${name} is not set (wrangler secret put ${name})`);
  return value;
}

interface KeyKind {
  algorithm: Parameters<SubtleCrypto['importKey']>[2];
  usages: string[];
  bytes: readonly [min: number, max: number];
}

/** A key and, during a rotation, the previous one. A key is `<kid>:<base64>` (the id is
 * stored with what the key seals, so a value opens with the key that made it); a bare
 * base64 key has the id `0`. */
async function keyRing(env: Env, name: KeyName, kind: KeyKind): Promise<KeyRing> {
  const current = await versionedKey(name, required(env, name), kind);
  const previousValue = env[`${name}_PREVIOUS`];
  const previous = previousValue ? await versionedKey(`${name}_PREVIOUS`, previousValue, kind) : null;
  if (previous?.kid === current.kid) {
    throw new ConfigurationError(`${name} and ${name}_PREVIOUS have the same key id ${JSON.stringify(current.kid)}: give the new key a new id (<kid>:<base64>)`);
  }
  return { current, previous };
}

async function versionedKey(name: SecretName, value: string, kind: KeyKind): Promise<VersionedKey> {
  const match = /^(?:([A-Za-z0-9_-]{1,32}):)?(.+)$/.exec(value.trim());
  const kid = match?.[1] ?? '0';
  let bytes: Uint8Array;
  try {
    bytes = fromBase64(match?.[2] ?? '');
  } catch {
    throw new ConfigurationError(`secret ${name} must be <key id>:<base64> or base64`);
  }
  const [min, max] = kind.bytes;
  if (bytes.byteLength < min || bytes.byteLength > max) {
    const size = min === max ? `${min}` : `${min} to ${max}`;
    throw new ConfigurationError(`secret ${name} must be base64 of ${size} random bytes (openssl rand -base64 ${min}), optionally after a key id and a colon`);
  }
  return { kid, key: await crypto.subtle.importKey('raw', bytes, kind.algorithm, false, kind.usages) };
}
