/** Analysts' notes on a Beacon User (the console): free text about one of the member's
 * users, so sealed like its identity data (bound to the user and the note), and kept in the
 * user's shard, newest first. Notes are the analysts' own record: they change nothing about
 * the user, so they need no serialising by the program's Durable Object. */
import { and, asc, desc, eq, gt } from 'drizzle-orm';
import { userShard, type ShardDb, type Storage } from '../../db';
import { errors } from '../../errors';
import { openJson, sealedKid, sealJson } from '../../lib/crypto';
import { newId } from '../../lib/ids';
import { nowTimestamp } from '../../lib/time';
import type { Secrets } from '../../secrets';
import { locateBeaconUser } from './store';

const { beaconUserNotes } = userShard;

export const NOTE_MAX = 4000;
/** The newest notes a user's page shows. */
export const NOTES_SHOWN = 50;

const sealContext = (beaconUserId: string, noteId: string) => `beacon_user_note:${beaconUserId}:${noteId}`;

export interface Note {
  id: string;
  dashboardUserId: string;
  body: string;
  createdAt: string;
}

export async function addNote(storage: Storage, secrets: Secrets, input: { clientId: string; beaconUserId: string; dashboardUserId: string; body: string }): Promise<Note> {
  const body = input.body.trim();
  if (!body) throw errors.invalidField('note must not be empty');
  if (body.length > NOTE_MAX) throw errors.invalidField(`note must be at most ${NOTE_MAX} characters`);
  const { shard, record } = await locateBeaconUser(storage, input.clientId, input.beaconUserId);
  const note = { id: newId('note'), dashboardUserId: input.dashboardUserId, body, createdAt: nowTimestamp() };
  await storage
    .userShard(shard)
    .insert(beaconUserNotes)
    .values({ ...note, clientId: input.clientId, beaconUserId: record.user.id, body: await sealJson(secrets.piiKey, body, sealContext(record.user.id, note.id)) });
  return note;
}

/** A user's newest notes, for a D1 batch. */
export function selectNotes(db: ShardDb, clientId: string, beaconUserId: string) {
  return db
    .select()
    .from(beaconUserNotes)
    .where(and(eq(beaconUserNotes.beaconUserId, beaconUserId), eq(beaconUserNotes.clientId, clientId)))
    .orderBy(desc(beaconUserNotes.seq))
    .limit(NOTES_SHOWN);
}

export async function openNotes(secrets: Secrets, rows: (typeof beaconUserNotes.$inferSelect)[]): Promise<Note[]> {
  return Promise.all(
    rows.map(async (row) => ({
      id: row.id,
      dashboardUserId: row.dashboardUserId,
      body: await openJson<string>(secrets.piiKey, row.body, sealContext(row.beaconUserId, row.id)),
      createdAt: row.createdAt,
    })),
  );
}

/** Key rotation (domain/key-rotation.ts), a `notes:<shard>` target: the shard's next `rows`
 * notes after `after` (by `seq`), sealed anew under the current key. (Notes never change, so
 * no write can interleave.) */
export async function rotateNoteKeys(storage: Storage, secrets: Secrets, shard: number, after: number | null, rows: number): Promise<{ next: number | null; changed: number }> {
  const db = storage.userShard(shard);
  const page = await db
    .select()
    .from(beaconUserNotes)
    .where(gt(beaconUserNotes.seq, after ?? 0))
    .orderBy(asc(beaconUserNotes.seq))
    .limit(rows)
    .all();
  if (!page.length) return { next: null, changed: 0 };
  const stale = page.filter((note) => sealedKid(note.body) !== secrets.piiKey.current.kid);
  // (Sealed values first: a drizzle query returned from an async function would run there.)
  const resealed = await Promise.all(
    stale.map(async (note) => {
      const context = sealContext(note.beaconUserId, note.id);
      return sealJson(secrets.piiKey, await openJson<string>(secrets.piiKey, note.body, context), context);
    }),
  );
  const writes = stale.map((note, i) => db.update(beaconUserNotes).set({ body: resealed[i]! }).where(eq(beaconUserNotes.id, note.id)));
  const [first, ...rest] = writes;
  if (first) await db.batch([first, ...rest]);
  return { next: page.at(-1)!.seq, changed: stale.length };
}
