import { errors } from '../errors';
import { constantTimeEqual, keyedDigest } from './crypto';
import { fromBase64, fromUtf8, toBase64Url, utf8 } from './encoding';

/** Every list returns at most this many items per page. */
export const PAGE_SIZE = 25;

/** Cursors are opaque and signed: the position is bound to its list's scope (which
 * includes the client), so a cursor cannot be forged or replayed against another list. */
export async function encodeCursor(key: CryptoKey, scope: string, position: string | number): Promise<string> {
  const payload = toBase64Url(utf8.encode(String(position)));
  const mac = (await keyedDigest(key, 'cursor', `${scope}\u0000${payload}`)).slice(0, 22);
  return `${payload}.${mac}`;
}

export async function decodeCursor(key: CryptoKey, scope: string, cursor: string): Promise<string> {
  const [payload, mac, extra] = cursor.split('.');
  if (payload && mac && extra === undefined) {
    const expected = (await keyedDigest(key, 'cursor', `${scope}\u0000${payload}`)).slice(0, 22);
    if (constantTimeEqual(mac, expected)) return fromUtf8.decode(fromBase64(payload));
  }
  throw errors.invalidField('cursor is invalid: pass the next_cursor of a previous page of the same list');
}

/** One page of a list ordered by an integer position (a sequence number or a version).
 * `read(from)` returns up to PAGE_SIZE + 1 rows past `from` — the position in the cursor,
 * or null for the first page; the extra row only tells that another page follows. */
export async function listPage<T>(
  key: CryptoKey,
  scope: string,
  cursor: string | null | undefined,
  read: (from: number | null) => Promise<T[]>,
  positionOf: (row: T) => number,
): Promise<{ items: T[]; next_cursor: string | null }> {
  const from = cursor ? Number(await decodeCursor(key, scope, cursor)) : null;
  const rows = await read(from);
  const items = rows.slice(0, PAGE_SIZE);
  const last = items.at(-1);
  return { items, next_cursor: rows.length > PAGE_SIZE && last ? await encodeCursor(key, scope, positionOf(last)) : null };
}
