import { env } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { validateWebhookUrl } from '../../src/domain/webhooks/url';
import { loadSecrets } from '../../src/secrets';

/** The rules of a deployment configured with these vars, read the way the Worker reads them. */
const rulesOf = (vars: { ENVIRONMENT: 'sandbox' | 'production'; WEBHOOK_HOST_ALLOWLIST?: string; WEBHOOK_LOCAL_PORTS?: string }) =>
  loadSecrets({ ...env, WEBHOOK_HOST_ALLOWLIST: undefined, WEBHOOK_LOCAL_PORTS: undefined, ...vars });

const production = await rulesOf({ ENVIRONMENT: 'production' });

const refused = (url: string, rules = production, rule: RegExp = /^webhook_url must /) => {
  expect(() => validateWebhookUrl(url, rules), url).toThrowError(rule);
};

/** Targets that are not the public internet, each spelt the ways that used to get through. */
const SPECIAL_ADDRESSES = [
  // IPv4 special-purpose blocks (IANA registry), multicast and broadcast.
  'https://0.0.0.0/',
  'https://10.0.0.1/',
  'https://100.64.0.1/',
  'https://127.0.0.1/',
  'https://169.254.169.254/latest/meta-data',
  'https://172.16.5.4/',
  'https://192.0.0.170/',
  'https://192.0.2.1/',
  'https://192.31.196.1/',
  'https://192.52.193.1/',
  'https://192.88.99.1/',
  'https://192.168.1.1/',
  'https://192.175.48.1/',
  'https://198.18.0.1/',
  'https://198.19.255.254/',
  'https://198.51.100.7/',
  'https://203.0.113.10/',
  'https://224.0.0.1/',
  'https://240.0.0.1/',
  'https://255.255.255.255/',
  // IPv6 special-purpose blocks, multicast, site-local, and what lies outside 2000::/3.
  'https://[::]/',
  'https://[::1]/',
  'https://[100::1]/',
  'https://[100:0:0:1::1]/',
  'https://[2001:2::1]/',
  'https://[2001:20::1]/',
  'https://[2001:db8::1]/',
  'https://[2620:4f:8000::1]/',
  'https://[3fff::1]/',
  'https://[5f00::1]/',
  'https://[4000::1]/',
  'https://[fd00::1]/',
  'https://[fe80::1]/',
  'https://[fec0::1]/',
  'https://[ff02::1]/',
  // The URL parser turns every IPv4 spelling into dotted decimal.
  'https://2130706433/',
  'https://0x7f.1/',
  'https://0177.0.0.1/',
  'https://127.1/',
  'https://0x7f000001/',
  'https://127.0.0.1./',
];

const EMBEDDED_IPV4 = [
  ['https://[::7f00:1]/', 'IPv4-compatible'],
  ['https://[::10.0.0.1]/', 'IPv4-compatible'],
  ['https://[::ffff:127.0.0.1]/', 'IPv4-mapped'],
  ['https://[::ffff:8.8.8.8]/', 'IPv4-mapped'],
  ['https://[::ffff:0:a00:1]/', 'IPv4-translated'],
  ['https://[64:ff9b::7f00:1]/', 'NAT64'],
  ['https://[64:ff9b::808:808]/', 'NAT64'],
  ['https://[64:ff9b:1::a00:1]/', 'NAT64'],
  ['https://[2002:7f00:1::1]/', '6to4'],
  ['https://[2001:0:4136:e378:8000:63bf:3fff:fdd2]/', 'Teredo'],
] as const;

const NAMES_IN_DISGUISE = [
  // Wildcard-DNS services, in each spelling they accept.
  ['https://127.0.0.1.nip.io/', /wildcard DNS service \(nip\.io\)/],
  ['https://10-0-0-1.sslip.io/', /wildcard DNS service \(sslip\.io\)/],
  ['https://app-7f000001.nip.io/', /wildcard DNS service \(nip\.io\)/],
  ['https://www.192.168.0.1.xip.io/', /wildcard DNS service \(xip\.io\)/],
  ['https://--1.sslip.io/', /wildcard DNS service \(sslip\.io\)/],
  ['https://anything.localtest.me/', /wildcard DNS service \(localtest\.me\)/],
  ['https://lvh.me/', /wildcard DNS service \(lvh\.me\)/],
  // The same spellings under any other domain (anyone can run such a service).
  ['https://127.0.0.1.rebind.attacker.net/', /spells out an IP address \(127\.0\.0\.1\)/],
  ['https://x.10.0.0.1.attacker.net/', /spells out an IP address \(10\.0\.0\.1\)/],
  ['https://10-0-0-1.attacker.net/', /spells out an IP address \(10-0-0-1\)/],
  ['https://svc-192-168-1-1-a.attacker.net/', /spells out an IP address/],
  ['https://999-10-0-0-1.attacker.net/', /spells out an IP address/],
  ['https://app-7f000001.attacker.net/', /spells out an IP address \(app-7f000001\)/],
  ['https://0a000001.attacker.net/', /spells out an IP address/],
  ['https://fe80--1.attacker.net/', /spells out an IP address/],
  ['https://0-0-0-0-0-0-0-1.attacker.net/', /spells out an IP address/],
] as const;

const SPECIAL_USE_NAMES = [
  'https://localhost/',
  'https://localhost./',
  'https://LOCALHOST/',
  'https://ｌｏｃａｌｈｏｓｔ/',
  'https://api.localhost/',
  'https://printer.local/',
  'https://db.internal/',
  'https://nas.home.arpa/',
  'https://1.0.0.127.in-addr.arpa/',
  'https://ipv4only.arpa/',
  'https://hooks.test/',
  'https://a.invalid/',
  'https://hooks.example/',
  'https://xyz.onion/',
  'https://a.alt/',
  'https://router.lan/',
  'https://files.corp/',
  'https://localhost.localdomain/',
];

describe('webhook URL rules', () => {
  it('accepts public https URLs, normalised', () => {
    for (const url of [
      'https://hooks.example.com/plaid?x=1',
      'https://8.8.8.8:8443/hook',
      'https://[2606:4700:4700::1111]/hook',
      'https://hooks.acme-lending.com/beacon',
      'https://api.v2.eu.acme.io/webhooks/beacon',
      'https://a1b2c3.acme.io/', // short hex labels are ordinary names
      'https://build-2024-05-01.acme.io/', // numbers with dashes that are not an address
      'https://xn--80a2590c.acme.io/', // punycode (а文), however hex it looks
    ]) {
      expect(validateWebhookUrl(url, production), url).toBe(url);
    }
    expect(validateWebhookUrl('https://Hooks.Example.COM/a', production)).toBe('https://hooks.example.com/a');
    expect(validateWebhookUrl('https://bücher.de/hook', production)).toBe('https://xn--bcher-kva.de/hook');
  });

  it('requires an absolute https URL of at most 2048 characters', () => {
    refused('http://hooks.example.com/plaid', production, /^webhook_url must use https$/);
    refused('ftp://example.com/', production, /^webhook_url must use https$/);
    refused('not a url', production, /^webhook_url must be an absolute URL$/);
    refused(`https://hooks.example.com/${'a'.repeat(2048)}`, production, /^webhook_url must be at most 2048 characters$/);
  });

  it('refuses every special-purpose address, however it is spelt', () => {
    for (const url of SPECIAL_ADDRESSES)
      refused(url, production, /^webhook_url must not point at a private, loopback, link-local or other special-purpose address \(\w[\w :/]*\)$/);
    // The message names the block.
    refused('https://198.18.0.1/', production, /\(reserved\)$/);
    refused('https://[fec0::1]/', production, /\(deprecatedSiteLocal\)$/);
    refused('https://[4000::1]/', production, /\(outside 2000::\/3\)$/);
  });

  it('refuses IPv6 addresses that embed an IPv4 address, whatever that address is', () => {
    for (const [url, form] of EMBEDDED_IPV4) {
      refused(url, production, new RegExp(`^webhook_url must not point at an IPv6 address that embeds an IPv4 address \\(${form}\\)$`));
    }
  });

  it('refuses host names that are IP addresses in disguise', () => {
    for (const [url, rule] of NAMES_IN_DISGUISE) refused(url, production, rule);
  });

  it('refuses special-use and single-label names', () => {
    for (const url of SPECIAL_USE_NAMES) refused(url, production, /^webhook_url must not use a special-use domain name \(\.\w+\)$/);
    for (const url of ['https://hooks/', 'https://printer./', 'https://com/']) refused(url, production, /^webhook_url must name a fully qualified host/);
  });

  it('names the field the URL came in', () => {
    expect(() => validateWebhookUrl('https://127.0.0.1.nip.io/', production, 'url')).toThrowError(/^url must not use a wildcard DNS service/);
  });

  it('with an allow-list, accepts only the hosts it names, on top of the other rules', async () => {
    const rules = await rulesOf({ ENVIRONMENT: 'production', WEBHOOK_HOST_ALLOWLIST: ' hooks.acme.com, *.partners.example.net ,*.nip.io' });
    for (const url of ['https://hooks.acme.com/beacon', 'https://HOOKS.ACME.COM./x', 'https://a.partners.example.net/', 'https://a.b.partners.example.net/']) {
      expect(() => validateWebhookUrl(url, rules), url).not.toThrow();
    }
    for (const url of [
      'https://partners.example.net/', // `*.` is for names under the domain
      'https://evilpartners.example.net/',
      'https://hooks.acme.com.attacker.net/',
      'https://api.acme.com/',
      'https://8.8.8.8/',
    ]) {
      refused(url, rules, /^webhook_url must point at a host this deployment allows webhooks to/);
    }
    // Listing a name does not lift the other rules.
    refused('https://10.0.0.1.nip.io/', rules, /wildcard DNS service/);
    refused('http://hooks.acme.com/', rules, /must use https/);
    // Unset or empty: any public host.
    for (const value of [undefined, '', ' , ']) {
      const open = await rulesOf({ ENVIRONMENT: 'production', ...(value === undefined ? {} : { WEBHOOK_HOST_ALLOWLIST: value }) });
      expect(validateWebhookUrl('https://api.acme.com/', open)).toBe('https://api.acme.com/');
    }
  });

  it('on sandbox, allows receivers on its own machine only on the configured ports', async () => {
    const sandbox = await rulesOf({ ENVIRONMENT: 'sandbox', WEBHOOK_LOCAL_PORTS: '9000-9099, 3000' });
    for (const url of ['http://localhost:9000/hook', 'http://127.0.0.1:9099/hook', 'http://[::1]:3000/hook', 'https://localhost:9050/', 'http://localhost.:9000/']) {
      expect(() => validateWebhookUrl(url, sandbox), url).not.toThrow();
    }
    const outOfRange = /^webhook_url must use a port allowed for local receivers \(WEBHOOK_LOCAL_PORTS: 9000-9099, 3000\), not \d+$/;
    for (const url of ['http://localhost:8787/hook', 'http://127.0.0.1:9100/', 'http://localhost/', 'https://localhost/', 'http://[::1]:2999/']) {
      refused(url, sandbox, outOfRange);
    }
    // Only those three names of the machine, and nothing private beyond it.
    for (const url of ['http://127.0.0.2:9000/', 'http://0.0.0.0:9000/', 'http://10.0.0.1:9000/', 'https://api.localhost:9000/', 'http://[::ffff:127.0.0.1]:9000/']) {
      refused(url, sandbox);
    }
    // Public targets follow the usual rules on sandbox too.
    refused('http://hooks.example.com/', sandbox, /must use https/);
    expect(validateWebhookUrl('https://hooks.example.com/', sandbox)).toBe('https://hooks.example.com/');
  });

  it('refuses local receivers on a sandbox that lists no ports, and on production whatever it lists', async () => {
    const closed = await rulesOf({ ENVIRONMENT: 'sandbox' });
    refused('http://localhost:9000/hook', closed, /^webhook_url must not point at this machine: local receivers are not enabled on this deployment \(WEBHOOK_LOCAL_PORTS\)$/);
    const configuredProduction = await rulesOf({ ENVIRONMENT: 'production', WEBHOOK_LOCAL_PORTS: '1-65535' });
    for (const url of ['http://localhost:9000/hook', 'https://localhost:9000/hook', 'https://127.0.0.1:9000/', 'https://[::1]:9000/']) {
      refused(url, configuredProduction);
    }
  });

  it('refuses a malformed configuration with a message naming the var', async () => {
    for (const value of ['abc', '9000-', '0', '70000', '9100-9000', '9000 9001', '-5']) {
      await expect(rulesOf({ ENVIRONMENT: 'sandbox', WEBHOOK_LOCAL_PORTS: value }), value).rejects.toThrowError(
        /^WEBHOOK_LOCAL_PORTS must list ports \(1-65535\) or ranges \(9000-9099\) separated by commas, not ".+"$/,
      );
    }
    for (const value of [
      'https://hooks.acme.com',
      'hooks.acme.com/path',
      'hooks.acme.com:443',
      '*.',
      '**.acme.com',
      'a.*.acme.com',
      'localhost',
      'hooks acme.com',
      'user@acme.com',
    ]) {
      await expect(rulesOf({ ENVIRONMENT: 'production', WEBHOOK_HOST_ALLOWLIST: value }), value).rejects.toThrowError(
        /^WEBHOOK_HOST_ALLOWLIST must list host names \(hooks\.example\.com\) or patterns \(\*\.example\.com\) separated by commas, not ".+"$/,
      );
    }
  });
});
