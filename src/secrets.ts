import type { HostPattern, PortRange, WebhookTargets } from './domain/webhooks/url';
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
    env.HMAC_KEY,
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
  const webhookTargets = { allowedHosts: hostAllowlist(env.WEBHOOK_HOST_ALLOWLIST), localPorts: localPorts(env.WEBHOOK_LOCAL_PORTS) };
  return { environment, adminToken, piiKey, hmacKey, webhookTargets };
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
      throw new ConfigurationError(
        `WEBHOOK_HOST_ALLOWLIST must list host names (hooks.example.com) or patterns (*.example.com) separated by commas, not ${JSON.stringify(entry)}`,
      );
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
      throw new ConfigurationError(
        `WEBHOOK_LOCAL_PORTS must list ports (1-65535) or ranges (9000-9099) separated by commas, not ${JSON.stringify(entry)}`,
      );
    }
    return { first, last };
  });
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
