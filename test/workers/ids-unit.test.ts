import { env } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { decodeCursor, encodeCursor } from '../../src/lib/cursor';
import { newId, newRequestId, newUserToken, randomBase62 } from '../../src/lib/ids';
import { loadSecrets } from '../../src/secrets';

describe('ids', () => {
  it('have their prefix and 14 base62 characters', () => {
    expect(newId('beaconUser')).toMatch(/^becusr_[0-9A-Za-z]{14}$/);
    expect(newId('program')).toMatch(/^becprg_[0-9A-Za-z]{14}$/);
    expect(newId('report')).toMatch(/^becrpt_[0-9A-Za-z]{14}$/);
    expect(newId('syndication')).toMatch(/^becrsn_[0-9A-Za-z]{14}$/);
    expect(newId('duplicate')).toMatch(/^becdup_[0-9A-Za-z]{14}$/);
    expect(newRequestId()).toMatch(/^[0-9A-Za-z]{15}$/);
    expect(newUserToken('production')).toMatch(/^user-production-[0-9a-f-]{36}$/);
  });

  it('use every base62 symbol with about equal frequency', () => {
    const counts = new Map<string, number>();
    for (const c of randomBase62(62_000)) counts.set(c, (counts.get(c) ?? 0) + 1);
    expect(counts.size).toBe(62);
    for (const n of counts.values()) expect(n).toBeGreaterThan(800); // expectation 1000
  });
});

describe('cursors', () => {
  it('round-trip within their scope only', async () => {
    const { hmacKey } = await loadSecrets(env);
    const cursor = await encodeCursor(hmacKey, 'history:a:u1', 42);
    expect(await decodeCursor(hmacKey, 'history:a:u1', cursor)).toBe('42');
    await expect(decodeCursor(hmacKey, 'history:b:u1', cursor)).rejects.toThrow(/cursor is invalid/);
    await expect(decodeCursor(hmacKey, 'history:a:u1', cursor.replace(/^../, 'NT'))).rejects.toThrow(/cursor is invalid/);
  });
});
