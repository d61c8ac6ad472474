import { and, count, eq, gt } from 'drizzle-orm';
import { control, userShard, type Storage } from '../db';
import { errors } from '../errors';
import { listPage, PAGE_SIZE } from '../lib/cursor';
import { newId } from '../lib/ids';
import { nowTimestamp } from '../lib/time';
import type { Secrets } from '../secrets';
import type { Client } from './clients';
import { findProgramPlace, placeProgram, rememberProgramPlace } from './directory';
import { BEACON_USER_STATUSES, type BeaconUserStatus } from '../vocabulary';
import { applySettings, DEFAULT_SETTINGS, storedSettings, type ProgramSettingsInput } from '../matching/settings';

export type Program = typeof control.programs.$inferSelect;

/** A program as read: settings stored before a setting existed get its default, here once. */
const programOf = (row: Program): Program => ({ ...row, settings: storedSettings(row.settings) });

export function programView(program: Program) {
  return {
    id: program.id,
    name: program.name,
    settings: program.settings,
    created_at: program.createdAt,
    updated_at: program.updatedAt,
  };
}

/** The operator's view: where the program lives too. */
export function programAdminView(program: Program) {
  return { ...programView(program), client_id: program.clientId, shard: program.shard };
}

export async function createProgram(storage: Storage, client: Client, input: { name: string; settings?: ProgramSettingsInput | null }): Promise<Program> {
  const now = nowTimestamp();
  const program = await storage.control
    .insert(control.programs)
    .values({
      id: newId('program'),
      clientId: client.id,
      name: input.name,
      settings: applySettings(DEFAULT_SETTINGS, input.settings),
      shard: await placeProgram(storage, client),
      createdAt: now,
      updatedAt: now,
    })
    .returning()
    .get();
  rememberProgramPlace(program);
  return program;
}

/** Any client's program, for the operator and for the network's own work. */
export async function findProgram(storage: Storage, programId: string): Promise<Program> {
  const row = await storage.control.select().from(control.programs).where(eq(control.programs.id, programId)).get();
  if (!row) throw errors.notFound('program_id');
  return programOf(row);
}

/** How many Beacon Users a program has, in all and by status (for the operator, e.g. after an
 * import). It reads every user row of the program: the cost grows with the program. */
export async function countBeaconUsers(storage: Storage, programId: string) {
  const { shard } = await findProgramPlace(storage, programId);
  const { beaconUsers } = userShard;
  const rows = await storage
    .userShard(shard)
    .select({ status: beaconUsers.status, n: count() })
    .from(beaconUsers)
    .where(eq(beaconUsers.programId, programId))
    .groupBy(beaconUsers.status)
    .all();
  const byStatus = Object.fromEntries(BEACON_USER_STATUSES.map((status) => [status, rows.find((r) => r.status === status)?.n ?? 0])) as Record<BeaconUserStatus, number>;
  return { total: rows.reduce((sum, r) => sum + r.n, 0), ...byStatus };
}

/** A program of this client; another client's program is "not found", like an unknown id. */
export async function getProgram(storage: Storage, clientId: string, programId: string): Promise<Program> {
  const program = await findProgram(storage, programId);
  if (program.clientId !== clientId) throw errors.notFound('program_id');
  return program;
}

export async function listPrograms(storage: Storage, secrets: Secrets, clientId: string, cursor: string | null | undefined) {
  const { items, next_cursor } = await listPage(
    secrets.hmacKey,
    `programs:${clientId}`,
    cursor,
    (after) =>
      storage.control
        .select()
        .from(control.programs)
        .where(and(eq(control.programs.clientId, clientId), gt(control.programs.seq, after ?? 0)))
        .orderBy(control.programs.seq)
        .limit(PAGE_SIZE + 1)
        .all(),
    (program) => program.seq,
  );
  return { programs: items.map((row) => programView(programOf(row))), next_cursor };
}

/** A client's programs by id, for names and choices (a member has a handful; at most
 * PROGRAMS_AT_ONCE are read). */
export const PROGRAMS_AT_ONCE = 500;

export async function programsOf(storage: Storage, clientId: string): Promise<Program[]> {
  const [programs] = await storage.control.batch([
    storage.control.select().from(control.programs).where(eq(control.programs.clientId, clientId)).orderBy(control.programs.seq).limit(PROGRAMS_AT_ONCE),
  ]);
  return programs.map(programOf);
}

export interface UpdateProgram {
  clientId: string;
  programId: string;
  name?: string | null;
  settings?: ProgramSettingsInput | null;
}

/** Runs in the program's Durable Object, which keeps the settings its checks use. */
export async function updateProgram(storage: Storage, cmd: UpdateProgram): Promise<Program> {
  const current = await getProgram(storage, cmd.clientId, cmd.programId);
  const row = await storage.control
    .update(control.programs)
    .set({ name: cmd.name ?? current.name, settings: applySettings(current.settings, cmd.settings), updatedAt: nowTimestamp() })
    .where(eq(control.programs.id, current.id))
    .returning()
    .get();
  return programOf(row!);
}
