/** Webhook URLs (docs/product.md §5.5): where this network may send a member's webhooks. A URL
 * is checked when it is set and again before every attempt, so these rules are the only
 * gate between a member's input and the network's outbound requests. */
import ipaddr from 'ipaddr.js';
import type { Environment } from '../../env';
import { errors } from '../../errors';
import { MAX_WEBHOOK_URL_LENGTH } from '../../schemas/fields';

/** An allowed host: exactly `host`, or (`*.host` in the configuration) any name under it. */
export interface HostPattern {
  host: string;
  subdomains: boolean;
}

export interface PortRange {
  first: number;
  last: number;
}

/** What a deployment configures about webhook targets (Worker vars, read in secrets.ts). */
export interface WebhookTargets {
  /** `WEBHOOK_HOST_ALLOWLIST`: when set, the only hosts webhook URLs may name. */
  allowedHosts: HostPattern[] | null;
  /** `WEBHOOK_LOCAL_PORTS`: the ports on which a sandbox may send to its own machine. */
  localPorts: PortRange[];
}

export interface WebhookUrlRules {
  environment: Environment;
  webhookTargets: WebhookTargets;
}

/** The names of the machine a sandbox runs on, as the URL parser spells them. */
const LOCAL_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

/** Returns the URL, normalised, or throws INVALID_FIELD naming `field` and the rule.
 * A URL must be `https` and name a public host: an IP literal only if it is plain global
 * unicast, a host name only if nothing about it says it resolves somewhere private. On
 * `sandbox`, receivers on its own machine are allowed on the ports the deployment lists. */
export function validateWebhookUrl(raw: string, rules: WebhookUrlRules, field = 'webhook_url'): string {
  const refuse = (rule: string) => errors.invalidField(`${field} must ${rule}`);
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw refuse('be an absolute URL');
  }
  if (raw.length > MAX_WEBHOOK_URL_LENGTH) throw refuse(`be at most ${MAX_WEBHOOK_URL_LENGTH} characters`);
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw refuse('use https');
  const host = url.hostname.replace(/\.$/, '');

  if (rules.environment === 'sandbox' && LOCAL_HOSTS.has(host)) {
    const problem = localPortProblem(url, rules.webhookTargets.localPorts);
    if (problem) throw refuse(problem);
    return url.href;
  }
  if (url.protocol !== 'https:') throw refuse('use https');
  const problem = host.startsWith('[')
    ? addressProblem(ipaddr.IPv6.parse(host.slice(1, -1)))
    : ipaddr.IPv4.isValidFourPartDecimal(host)
      ? addressProblem(ipaddr.IPv4.parse(host))
      : hostNameProblem(host);
  if (problem) throw refuse(problem);
  const allowed = rules.webhookTargets.allowedHosts;
  if (allowed && !allowed.some((p) => (p.subdomains ? host.endsWith(`.${p.host}`) : host === p.host))) {
    throw refuse('point at a host this deployment allows webhooks to (its operator sets the list)');
  }
  return url.href;
}

function localPortProblem(url: URL, ports: PortRange[]): string | null {
  const listed = ports.map((r) => (r.first === r.last ? `${r.first}` : `${r.first}-${r.last}`)).join(', ');
  if (!listed) return 'not point at this machine: local receivers are not enabled on this deployment (WEBHOOK_LOCAL_PORTS)';
  const port = Number(url.port || (url.protocol === 'https:' ? 443 : 80));
  if (ports.some((r) => port >= r.first && port <= r.last)) return null;
  return `use a port allowed for local receivers (WEBHOOK_LOCAL_PORTS: ${listed}), not ${port}`;
}

// IP literals. Allowed only when plain global unicast: every block of the IANA IPv4 and
// IPv6 Special-Purpose Address Registries is refused, as are multicast, the deprecated
// site-local fec0::/10, and IPv6 outside 2000::/3 (not allocated for global unicast).
// ipaddr.js names the registries' blocks (`range()`); the table adds what it leaves as
// plain unicast.
const UNNAMED_IPV6_BLOCKS: [name: string, block: [ipaddr.IPv6, number]][] = [['ipv4Compatible', ipaddr.IPv6.parseCIDR('::/96')]];
const GLOBAL_UNICAST_IPV6 = ipaddr.IPv6.parseCIDR('2000::/3');

/** IPv6 forms that carry an IPv4 address, so that the real destination is that address
 * (or a translator's choice): refused outright rather than decoded and judged. */
const EMBEDS_IPV4: Record<string, string> = {
  ipv4Mapped: 'IPv4-mapped',
  ipv4Compatible: 'IPv4-compatible',
  rfc6145: 'IPv4-translated',
  rfc6052: 'NAT64',
  '6to4': '6to4',
  teredo: 'Teredo',
};

/** The address's block: `unicast` when it is plain global unicast. */
function blockOf(address: ipaddr.IPv4 | ipaddr.IPv6): string {
  const range: string = address.range();
  if (range !== 'unicast' || address.kind() === 'ipv4') return range;
  const v6 = address as ipaddr.IPv6;
  const unnamed = UNNAMED_IPV6_BLOCKS.find(([, block]) => v6.match(block));
  if (unnamed) return unnamed[0];
  return v6.match(GLOBAL_UNICAST_IPV6) ? range : 'outside 2000::/3';
}

function addressProblem(address: ipaddr.IPv4 | ipaddr.IPv6): string | null {
  const block = blockOf(address);
  if (block === 'unicast') return null;
  const embedded = EMBEDS_IPV4[block];
  if (embedded) return `not point at an IPv6 address that embeds an IPv4 address (${embedded})`;
  return `not point at a private, loopback, link-local or other special-purpose address (${block})`;
}

// Host names. A name is refused when it can only resolve on a private resolver, or when it
// is an address in disguise: wildcard-DNS services answer `10.0.0.1.nip.io` with 10.0.0.1,
// and anyone can run one under their own domain, so the spelling is refused, not the service.

/** Top-level names that are not delegated in the public DNS: the IANA Special-Use Domain
 * Names registry (RFC 6761, 6762, 7686, 8375, 9476; all of `.arpa`, which holds
 * `home.arpa` and the reverse-lookup zones), ICANN's `.internal`, the names RFC 6762
 * (appendix G) lists as used on private networks, and `localdomain`, which many systems
 * map to loopback. `example.com`, `.net` and `.org` are special-use too, but resolve
 * publicly like any other name. */
const SPECIAL_USE_TLDS = new Set([
  'localhost',
  'local',
  'test',
  'invalid',
  'example',
  'onion',
  'alt',
  'arpa',
  'internal',
  'intranet',
  'private',
  'corp',
  'home',
  'lan',
  'localdomain',
]);

/** Public services whose names resolve to the address they spell or to loopback, and
 * DNS-rebinding services. */
const WILDCARD_DNS_DOMAINS = [
  'nip.io',
  'sslip.io',
  'xip.io',
  'traefik.me',
  'localtest.me',
  'lvh.me',
  'vcap.me',
  'fuf.me',
  'lacolhost.com',
  'localhost.direct',
  'local.gd',
  '1u.ms',
  'rbndr.us',
];

function hostNameProblem(host: string): string | null {
  const labels = host.split('.');
  const tld = labels.at(-1)!;
  if (SPECIAL_USE_TLDS.has(tld)) return `not use a special-use domain name (.${tld})`;
  if (labels.length < 2) return 'name a fully qualified host (a single-label name resolves only on a local network)';
  const service = WILDCARD_DNS_DOMAINS.find((domain) => host === domain || host.endsWith(`.${domain}`));
  if (service) return `not use a wildcard DNS service (${service})`;
  const spelled = spelledAddress(labels);
  if (spelled) return `not use a host name that spells out an IP address (${spelled})`;
  return null;
}

/** The part of a name that spells an IP address the way wildcard-DNS services read them:
 * four dotted numbers (`10.0.0.1.x`), or within one label four dashed numbers
 * (`app-10-0-0-1.x`), eight hex digits (`app-0a000001.x`) or an IPv6 address with dashes
 * for colons (`fe80--1.x`). */
function spelledAddress(labels: string[]): string | null {
  const dotted = fourPartAddress(labels);
  if (dotted) return dotted;
  // Internationalised labels (`xn--…`) are punycode, which no such service reads.
  for (const label of labels.filter((l) => !l.startsWith('xn--'))) {
    const parts = label.split('-');
    if (fourPartAddress(parts) || parts.some((p) => /^[0-9a-f]{8}$/.test(p))) return label;
    if (parts.length > 1 && ipaddr.IPv6.isValid(label.replaceAll('-', ':'))) return label;
  }
  return null;
}

/** The first four consecutive parts that make a dotted-decimal IPv4 address. */
function fourPartAddress(parts: string[]): string | null {
  for (let i = 0; i + 4 <= parts.length; i++) {
    const address = parts.slice(i, i + 4).join('.');
    if (ipaddr.IPv4.isValidFourPartDecimal(address)) return address;
  }
  return null;
}
