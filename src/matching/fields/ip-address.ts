/** ip_address: IPv4 or IPv6 (validation guarantees one of them). */
import ipaddr from 'ipaddr.js';
import type { MatchCode } from '../codes';
import { defineField } from './field';

export interface NormalisedIp {
  /** The canonical form: IPv4 dotted quad (IPv4-mapped IPv6 included), IPv6 fully expanded. */
  address: string;
  /** The network it is on: the IPv4 /24, or the IPv6 /64 (one LAN or one subscriber line). */
  network: string;
}

export function normaliseIp(value: string | null): NormalisedIp | null {
  if (!value) return null;
  if (!ipaddr.isValid(value)) return { address: value.toLowerCase(), network: value.toLowerCase() };
  const ip = ipaddr.process(value);
  if (ip.kind() === 'ipv4') {
    const octets = (ip as ipaddr.IPv4).octets;
    return { address: octets.join('.'), network: `${octets.slice(0, 3).join('.')}.0/24` };
  }
  const parts = (ip as ipaddr.IPv6).parts.map((p) => p.toString(16).padStart(4, '0'));
  return { address: parts.join(':'), network: `${parts.slice(0, 4).join(':')}::/64` };
}

/**
 * match: the same address.
 * partial_match: the same IPv4 /24 or IPv6 /64.
 */
export function compareIp(a: NormalisedIp | null, b: NormalisedIp | null): MatchCode {
  if (!a || !b) return 'no_data';
  if (a.address === b.address) return 'match';
  return a.network === b.network ? 'partial_match' : 'no_match';
}

/** No key: offices and households share addresses and networks. */
export const ipAddressField = defineField({
  normalise: (identity) => normaliseIp(identity.ip_address),
  compare: compareIp,
});
