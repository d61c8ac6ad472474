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

/** The order of a merged list: newest first (most lists), or oldest first (the review queue). */
export type MergeOrder = 'newest' | 'oldest';

/** Where a row stands in a list merged from several shards: by time, then shard, then the
 * shard's own tiebreaker (a sequence number, or a unique id). */
export interface MergedPosition {
  at: string;
  shard: number;
  seq: number | string;
}

/** The part of one shard's rows that comes after `after` in the merged order, as bounds for
 * that shard's query, "past" meaning later in the list's order (below for newest first,
 * above for oldest first): rows with `at` at or past `atFrom`; or rows with `at` past
 * `atPast`, or equal to it with the tiebreaker past `seqPast` (null: none equal to it). */
export function mergedBounds(
  shard: number,
  after: MergedPosition | null,
  order: MergeOrder = 'newest',
): { atFrom: string | null; atPast: string | null; seqPast: number | string | null } {
  if (!after) return { atFrom: null, atPast: null, seqPast: null };
  // Within one `at`, shards come in the list's order too: later shards come after.
  const shardIsLater = order === 'newest' ? shard < after.shard : shard > after.shard;
  if (shardIsLater) return { atFrom: after.at, atPast: null, seqPast: null };
  if (shard === after.shard) return { atFrom: null, atPast: after.at, seqPast: after.seq };
  return { atFrom: null, atPast: after.at, seqPast: null };
}

const compare = (a: string | number, b: string | number) => (a < b ? -1 : a > b ? 1 : 0);

/** One page of a list whose rows live in several shards, newest first unless `order` says
 * oldest. `read(shard, after)` returns at least that shard's next PAGE_SIZE + 1 rows after
 * `after` in the list's order (see `mergedBounds`), when it has them. */
export async function listMergedPage<T>(
  key: KeyRing,
  scope: string,
  cursor: string | null | undefined,
  shards: number[],
  read: (shard: number, after: MergedPosition | null) => Promise<T[]>,
  positionOf: (row: T) => { at: string; seq: number | string },
  order: MergeOrder = 'newest',
): Promise<{ items: T[]; next_cursor: string | null }> {
  const after = cursor ? parsePosition(await decodeCursor(key, scope, cursor)) : null;
  const sign = order === 'newest' ? -1 : 1;
  const rows = (await Promise.all(shards.map(async (shard) => (await read(shard, after)).map((row) => ({ row, shard, ...positionOf(row) })))))
    .flat()
    .sort((a, b) => sign * (compare(a.at, b.at) || a.shard - b.shard || compare(a.seq, b.seq)));
  const items = rows.slice(0, PAGE_SIZE);
  const last = items.at(-1);
  const next = rows.length > PAGE_SIZE && last ? await encodeCursor(key, scope, JSON.stringify({ at: last.at, shard: last.shard, seq: last.seq })) : null;
  return { items: items.map((i) => i.row), next_cursor: next };
}

function parsePosition(text: string): MergedPosition {
  try {
    const { at, shard, seq } = JSON.parse(text) as MergedPosition;
    if (typeof at === 'string' && Number.isInteger(shard) && (Number.isInteger(seq) || typeof seq === 'string')) return { at, shard, seq };
  } catch {
    // a signed cursor of another shape: refused below
  }
  throw invalidCursor();
}
