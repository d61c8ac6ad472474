import type { Environment } from '../../env';
import { errors } from '../../errors';

/** Webhook URLs (PRODUCT.md §5.5): `https`, and never a private, loopback or link-local
 * target — except on `sandbox`, where `http(s)://localhost` and `127.0.0.1` are allowed
 * so a member can receive webhooks on their own machine. Throws INVALID_FIELD. */
export function validateWebhookUrl(raw: string, environment: Environment, field = 'webhook_url'): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw errors.invalidField(`${field} must be an absolute URL`);
  }
  if (raw.length > 2048) throw errors.invalidField(`${field} must be at most 2048 characters`);
  const host = url.hostname.toLowerCase().replace(/^\[|\]$/g, '').replace(/\.$/, '');
  const isLocal = host === 'localhost' || host === '127.0.0.1';
  if (environment === 'sandbox' && isLocal && (url.protocol === 'http:' || url.protocol === 'https:')) return url.href;
  if (url.protocol !== 'https:') throw errors.invalidField(`${field} must use https`);
  if (isPrivateHost(host)) {
    throw errors.invalidField(`${field} must not point at a private, loopback or link-local address`);
  }
  return url.href;
}

function isPrivateHost(host: string): boolean {
  if (host === 'localhost' || host.endsWith('.localhost') || host.endsWith('.local') || host.endsWith('.internal')) {
    return true;
  }
  const v4 = parseIpv4(host);
  if (v4) return isPrivateIpv4(v4);
  if (host.includes(':')) return isPrivateIpv6(host);
  return false;
}

function parseIpv4(host: string): number[] | undefined {
  const parts = host.split('.');
  if (parts.length !== 4 || !parts.every((p) => /^\d{1,3}$/.test(p) && Number(p) <= 255)) return undefined;
  return parts.map(Number);
}

function isPrivateIpv4([a, b]: number[]): boolean {
  return (
    a === 0 || // "this" network
    a === 10 ||
    a === 127 ||
    (a === 100 && b! >= 64 && b! <= 127) || // carrier-grade NAT
    (a === 169 && b === 254) || // link-local, cloud metadata
    (a === 172 && b! >= 16 && b! <= 31) ||
    (a === 192 && b === 168) ||
    a! >= 224 // multicast and reserved
  );
}

function isPrivateIpv6(host: string): boolean {
  // The URL parser has already normalised the address (compressed, lowercase).
  if (host === '::' || host === '::1') return true;
  const mapped = /^::ffff:(.+)$/.exec(host)?.[1];
  if (mapped) {
    const dotted = parseIpv4(mapped) ?? hexToIpv4(mapped);
    return dotted ? isPrivateIpv4(dotted) : true;
  }
  const first = parseInt(host.split(':')[0] || '0', 16);
  return (
    (first & 0xfe00) === 0xfc00 || // unique local fc00::/7
    (first & 0xffc0) === 0xfe80 || // link-local fe80::/10
    (first & 0xff00) === 0xff00 // multicast
  );
}

function hexToIpv4(mapped: string): number[] | undefined {
  const match = /^([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(mapped);
  if (!match) return undefined;
  const high = parseInt(match[1]!, 16);
  const low = parseInt(match[2]!, 16);
  return [high >> 8, high & 0xff, low >> 8, low & 0xff];
}
