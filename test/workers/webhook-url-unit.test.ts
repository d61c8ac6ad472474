import { describe, expect, it } from 'vitest';
import { validateWebhookUrl } from '../../src/domain/webhooks/url';

const refused = (url: string, environment: 'sandbox' | 'production') => {
  expect(() => validateWebhookUrl(url, environment), url).toThrowError(/webhook_url/);
};

describe('webhook URL rules', () => {
  it('accepts public https URLs everywhere', () => {
    expect(validateWebhookUrl('https://hooks.example.com/plaid?x=1', 'production')).toBe('https://hooks.example.com/plaid?x=1');
    expect(validateWebhookUrl('https://203.0.113.10:8443/hook', 'production')).toBe('https://203.0.113.10:8443/hook');
  });

  it('refuses plain http and private, loopback, link-local and metadata targets in production', () => {
    for (const url of [
      'http://hooks.example.com/plaid',
      'http://10.0.0.1/',
      'https://10.0.0.1/',
      'https://172.16.5.4/',
      'https://192.168.1.1/',
      'https://127.0.0.1/',
      'https://169.254.169.254/latest/meta-data',
      'https://100.64.0.1/',
      'https://0.0.0.0/',
      'http://[::1]/',
      'https://[::1]/',
      'https://[fd00::1]/',
      'https://[fe80::1]/',
      'https://[::ffff:10.0.0.1]/',
      'https://[::ffff:127.0.0.1]/',
      'https://localhost/',
      'https://printer.local/',
      'ftp://example.com/',
      'not a url',
    ]) {
      refused(url, 'production');
    }
  });

  it('allows localhost and 127.0.0.1 only on sandbox', () => {
    expect(validateWebhookUrl('http://localhost:3000/hook', 'sandbox')).toBe('http://localhost:3000/hook');
    expect(validateWebhookUrl('http://127.0.0.1:3000/hook', 'sandbox')).toBe('http://127.0.0.1:3000/hook');
    refused('http://localhost:3000/hook', 'production');
    refused('http://10.0.0.1/hook', 'sandbox');
    refused('http://example.com/hook', 'sandbox');
  });
});
