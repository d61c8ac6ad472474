import { errors } from '../errors';
import { constantTimeEqual, keyedDigest, keyedDigests, type KeyRing } from './crypto';
import { fromBase64, fromUtf8, toBase64Url, utf8 } from './encoding';

/** Every list returns at most this many items per page. */
export const PAGE_SIZE = 25;

/** Cursors are opaque and signed: the position is bound to its list's scope (which
 * includes the client), so a cursor cannot be forged or replayed against another list. */
export async function encodeCursor(key: KeyRing, scope: string, position: string | number): Promise<string> {
  const payload = toBase64Url(utf8.encode(String(position)));
  const mac = (await keyedDigest(key, 'cursor', `${scope}\u0000${payload}`)).slice(0, 22);
  return `${payload}.${mac}`;
}

export async function decodeCursor(key: KeyRing, scope: string, cursor: string): Promise<string> {
  const [payload, mac, extra] = cursor.split('.');
  if (payload && mac && extra === undefined) {
    // A cursor signed before a key rotation stays good until the rotation ends.
    const expected = (await keyedDigests(key, 'cursor', `${scope}\u0000${payload}`)).map((digest) => digest.slice(0, 22));
    if (expected.some((candidate) => constantTimeEqual(mac, candidate))) return fromUtf8.decode(fromBase64(payload));
  }
  throw invalidCursor();
}

const invalidCursor = () => errors.invalidField('cursor is invalid: pass the next_cursor of a previous page of the same list');

/** One page of a list ordered by an integer position (a sequence number or a version).
 * `read(from)` returns up to PAGE_SIZE + 1 rows past `from` — the position in the cursor,
 * or null for the first page; the extra row only tells that another page follows. */
export async function listPage<T>(
  key: KeyRing,
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

/** Where a row stands in a list merged from several shards, newest first: by time, then
 * shard, then the shard's own sequence. */
export interface MergedPosition {
  at: string;
  shard: number;
  seq: number;
}

/** The part of one shard's rows that comes after `after` in the merged order, as bounds
 * for that shard's query: rows with `at` below `before`, or equal to it with `seq` below
 * `seqBelow` (null: none at `before` itself). */
export function mergedBounds(shard: number, after: MergedPosition | null): { atMost: string | null; atBelow: string | null; seqBelow: number | null } {
  if (!after) return { atMost: null, atBelow: null, seqBelow: null };
  if (shard < after.shard) return { atMost: after.at, atBelow: null, seqBelow: null };
  if (shard === after.shard) return { atMost: null, atBelow: after.at, seqBelow: after.seq };
  return { atMost: null, atBelow: after.at, seqBelow: null };
}

/** One page of a list whose rows live in several shards, newest first. `read(shard, after)`
 * returns up to PAGE_SIZE + 1 of that shard's rows after `after` (see `mergedBounds`). */
export async function listMergedPage<T>(
  key: KeyRing,
  scope: string,
  cursor: string | null | undefined,
  shards: number[],
  read: (shard: number, after: MergedPosition | null) => Promise<T[]>,
  positionOf: (row: T) => { at: string; seq: number },
): Promise<{ items: T[]; next_cursor: string | null }> {
  const after = cursor ? parsePosition(await decodeCursor(key, scope, cursor)) : null;
  const rows = (await Promise.all(shards.map(async (shard) => (await read(shard, after)).map((row) => ({ row, shard, ...positionOf(row) })))))
    .flat()
    .sort((a, b) => (a.at !== b.at ? (a.at < b.at ? 1 : -1) : a.shard !== b.shard ? b.shard - a.shard : b.seq - a.seq));
  const items = rows.slice(0, PAGE_SIZE);
  const last = items.at(-1);
  const next = rows.length > PAGE_SIZE && last ? await encodeCursor(key, scope, JSON.stringify({ at: last.at, shard: last.shard, seq: last.seq })) : null;
  return { items: items.map((i) => i.row), next_cursor: next };
}

function parsePosition(text: string): MergedPosition {
  try {
    const { at, shard, seq } = JSON.parse(text) as MergedPosition;
    if (typeof at === 'string' && Number.isInteger(shard) && Number.isInteger(seq)) return { at, shard, seq };
  } catch {
    // a signed cursor of another shape: refused below
  }
  throw invalidCursor();
}
