/** Where data lives (docs/product.md §7): each program in one user shard, each client's `/user`
 * users in its home shard. The placement rule: a new client's home is the open user shard
 * with the fewest clients; a client's new programs go to its home shard (or another the
 * operator names), or — when that shard is closed — to the open shard with the fewest
 * programs. Placements never change on
 * their own; docs/scaling.md says how an operator moves a program. */
import { count, eq, inArray, sql } from 'drizzle-orm';
import { control, type Storage } from '../db';
import { errors } from '../errors';
import { IsolateCache } from '../lib/isolate-cache';

/** A program's owner and shard. */
export interface ProgramPlace {
  id: string;
  clientId: string;
  shard: number;
}

/** Places never change without the operator, so isolates keep them long. */
const programPlaces = new IsolateCache<ProgramPlace>(50_000, 60 * 60_000);

/** Any client's program, for the operator and the network's own work. */
export async function findProgramPlace(storage: Storage, programId: string): Promise<ProgramPlace> {
  const cached = programPlaces.get(programId);
  if (cached) return cached;
  const row = await storage.control
    .select({ id: control.programs.id, clientId: control.programs.clientId, shard: control.programs.shard })
    .from(control.programs)
    .where(eq(control.programs.id, programId))
    .get();
  if (!row) throw errors.notFound('program_id');
  programPlaces.set(programId, row);
  return row;
}

/** A program of this client; another client's program is "not found", like an unknown id. */
export async function ownProgramPlace(storage: Storage, clientId: string, programId: string): Promise<ProgramPlace> {
  const place = await findProgramPlace(storage, programId);
  if (place.clientId !== clientId) throw errors.notFound('program_id');
  return place;
}

/** The shards a client's data lives in: its home shard and its programs' shards. */
const clientShardSets = new IsolateCache<number[]>(10_000, 60_000);

async function readClientShards(storage: Storage, clientId: string): Promise<number[]> {
  const [home, programs] = await Promise.all([
    storage.control.select({ shard: control.clients.homeShard }).from(control.clients).where(eq(control.clients.id, clientId)).get(),
    storage.control.selectDistinct({ shard: control.programs.shard }).from(control.programs).where(eq(control.programs.clientId, clientId)).all(),
  ]);
  const shards = [...new Set([...(home ? [home.shard] : []), ...programs.map((p) => p.shard)])].sort((a, b) => a - b);
  clientShardSets.set(clientId, shards);
  return shards;
}

/**
 * Looks for something of a client's by trying its shards (one read each, in parallel:
 * usually one shard). A miss reads the client's shards afresh once, in case a program was
 * placed on a new shard since this isolate last looked.
 */
export async function inClientShards<T>(storage: Storage, clientId: string, find: (shard: number) => Promise<T | undefined>): Promise<{ shard: number; value: T } | undefined> {
  const look = async (shards: number[]) => {
    const found = await Promise.all(shards.map(async (shard) => ({ shard, value: await find(shard) })));
    const hit = found.find((f) => f.value !== undefined);
    return hit && { shard: hit.shard, value: hit.value as T };
  };
  const known = clientShardSets.get(clientId);
  if (known) {
    const hit = await look(known);
    if (hit) return hit;
  }
  const fresh = await readClientShards(storage, clientId);
  return look(fresh.filter((s) => !known?.includes(s)));
}

/** Every shard a client's data lives in (for lists that span them). */
export async function clientShards(storage: Storage, clientId: string): Promise<number[]> {
  return clientShardSets.get(clientId) ?? readClientShards(storage, clientId);
}

/** A new client's home shard: the open user shard with the fewest clients. */
export async function placeClient(storage: Storage): Promise<number> {
  const open = storage.layout.openUserShards;
  const rows = await storage.control
    .select({ shard: control.clients.homeShard, n: count() })
    .from(control.clients)
    .where(inArray(control.clients.homeShard, open))
    .groupBy(control.clients.homeShard)
    .all();
  return fewest(open, rows);
}

/** A client's new program: the shard the operator named for them, or else its home shard,
 * while open; otherwise the open shard with the fewest programs. */
export async function placeProgram(storage: Storage, client: { homeShard: number; programShard: number | null }): Promise<number> {
  const open = storage.layout.openUserShards;
  const preferred = client.programShard ?? client.homeShard;
  if (open.includes(preferred)) return preferred;
  const rows = await storage.control
    .select({ shard: control.programs.shard, n: count() })
    .from(control.programs)
    .where(inArray(control.programs.shard, open))
    .groupBy(control.programs.shard)
    .all();
  return fewest(open, rows);
}

/** The shard of `candidates` with the fewest of something (ties: the lowest number). */
function fewest(candidates: number[], counts: { shard: number; n: number }[]): number {
  const of = (shard: number) => counts.find((c) => c.shard === shard)?.n ?? 0;
  return candidates.reduce((best, shard) => (of(shard) < of(best) ? shard : best));
}

/** A new program's place, known at once on this isolate. */
export function rememberProgramPlace(place: ProgramPlace): void {
  programPlaces.set(place.id, place);
  const shards = clientShardSets.get(place.clientId);
  if (shards && !shards.includes(place.shard))
    clientShardSets.set(
      place.clientId,
      [...shards, place.shard].sort((a, b) => a - b),
    );
}

/** The databases of the deployment and what each holds, for the operator: size (D1's own
 * figure), and for user shards whether they take new programs and how many they have. */
export async function shardList(storage: Storage) {
  const sizeOf = async (db: { run: (query: ReturnType<typeof sql>) => Promise<D1Result> }) => (await db.run(sql`SELECT 1`)).meta.size_after ?? null;
  const programCounts = await storage.control.select({ shard: control.programs.shard, n: count() }).from(control.programs).groupBy(control.programs.shard).all();
  const { userShards, openUserShards, indexShards } = storage.layout;
  return {
    control: { size_bytes: await sizeOf(storage.control) },
    user_shards: await Promise.all(
      userShards.map(async (shard) => ({
        shard,
        open: openUserShards.includes(shard),
        programs: programCounts.find((c) => c.shard === shard)?.n ?? 0,
        size_bytes: await sizeOf(storage.userShard(shard)),
      })),
    ),
    index_shards: await Promise.all(Array.from({ length: indexShards }, async (_, shard) => ({ shard, size_bytes: await sizeOf(storage.indexShard(shard)) }))),
  };
}
