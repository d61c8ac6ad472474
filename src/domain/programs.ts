import { and, eq, gt } from 'drizzle-orm';
import { z } from 'zod';
import type { Database } from '../db';
import { programs } from '../db/schema';
import { errors } from '../errors';
import { listPage, PAGE_SIZE } from '../lib/cursor';
import { newId } from '../lib/ids';
import { IsolateCache } from '../lib/isolate-cache';
import { nowTimestamp } from '../lib/time';
import type { Secrets } from '../secrets';
import { MATCH_FIELDS, RULE_CODES, type MatchRule } from './matching/codes';

export const DuplicateRule = z
  .partialRecord(z.enum(MATCH_FIELDS), z.enum(RULE_CODES))
  .refine((rule) => Object.keys(rule).length > 0, 'a duplicate rule must name at least one field');

/** Program settings as given on create/update: every key optional. */
export const ProgramSettingsInput = z.strictObject({
  duplicate_rules: z.array(DuplicateRule).max(20, 'at most 20 duplicate rules').nullish(),
  duplicates_to_pending_review: z.boolean().nullish(),
  flag_network_fraud: z.boolean().nullish(),
});

export interface ProgramSettings {
  duplicate_rules: MatchRule[];
  duplicates_to_pending_review: boolean;
  flag_network_fraud: boolean;
}

/** Default duplicate rules: the same person entered twice, with typos, is caught; people
 * who merely share an IP, a surname or an address are not. Evaluated on labelled data by
 * `npm run eval:matching:offline` (docs/matching.md): F1 0.99, no hard negative flagged at
 * 10,000 people. Not a rule: name + address (a Jr. and Sr. share both), anything with IP. */
export const DEFAULT_DUPLICATE_RULES: MatchRule[] = [
  // The classic identity key; the name may carry a typo, a nickname or a married name.
  { name: 'partial_match', date_of_birth: 'match' },
  // A mistyped or transposed birth date, confirmed by the same house.
  { name: 'partial_match', date_of_birth: 'partial_match', address: 'partial_match' },
  // A mailbox is one person's; the name rules out a shared family mailbox.
  { name: 'partial_match', email_address: 'match' },
  // A phone with the name: relatives on one home line have other given names.
  { name: 'partial_match', phone_number: 'match' },
  // The same document number with the name.
  { name: 'partial_match', id_number: 'match' },
  // The same bank account with the name (a joint holder has another given name).
  { name: 'partial_match', depository_accounts: 'match' },
  // A name changed outright (marriage): birth date and mailbox still agree.
  { date_of_birth: 'match', email_address: 'match' },
  // A name changed outright: birth date and document still agree. (Not birth date + phone:
  // twins on one home line.)
  { date_of_birth: 'match', id_number: 'match' },
];

export const DEFAULT_SETTINGS: ProgramSettings = {
  duplicate_rules: DEFAULT_DUPLICATE_RULES,
  duplicates_to_pending_review: true,
  flag_network_fraud: true,
};

function applySettings(base: ProgramSettings, input: z.output<typeof ProgramSettingsInput> | null | undefined): ProgramSettings {
  return {
    duplicate_rules: input?.duplicate_rules ?? base.duplicate_rules,
    duplicates_to_pending_review: input?.duplicates_to_pending_review ?? base.duplicates_to_pending_review,
    flag_network_fraud: input?.flag_network_fraud ?? base.flag_network_fraud,
  };
}

export type Program = typeof programs.$inferSelect;

export function programView(program: Program) {
  return {
    id: program.id,
    name: program.name,
    settings: program.settings,
    created_at: program.createdAt,
    updated_at: program.updatedAt,
  };
}

export async function createProgram(
  db: Database,
  clientId: string,
  input: { name: string; settings?: z.output<typeof ProgramSettingsInput> | null },
): Promise<Program> {
  const now = nowTimestamp();
  const row = await db
    .insert(programs)
    .values({
      id: newId('program'),
      clientId,
      name: input.name,
      settings: applySettings(DEFAULT_SETTINGS, input.settings),
      createdAt: now,
      updatedAt: now,
    })
    .returning()
    .get();
  return row;
}

/** Any client's program, for the operator and for the network's own work. */
export async function findProgram(db: Database, programId: string): Promise<Program> {
  const row = await db.select().from(programs).where(eq(programs.id, programId)).get();
  if (!row) throw errors.notFound('program_id');
  return row;
}

/** A program of this client; another client's program is "not found", like an unknown id. */
export async function getProgram(db: Database, clientId: string, programId: string): Promise<Program> {
  const program = await findProgram(db, programId);
  if (program.clientId !== clientId) throw errors.notFound('program_id');
  return program;
}

/** Program → owning client, for programs this isolate has seen (owners never change). */
const programOwners = new IsolateCache<string>(50_000, 60 * 60_000);

/** Refuses a program that is not the client's, as "not found", usually without a read. */
export async function assertProgramOwned(db: Database, clientId: string, programId: string): Promise<void> {
  if (programOwners.get(programId) === clientId) return;
  await getProgram(db, clientId, programId);
  programOwners.set(programId, clientId);
}

export async function listPrograms(db: Database, secrets: Secrets, clientId: string, cursor: string | null | undefined) {
  const { items, next_cursor } = await listPage(
    secrets.hmacKey,
    `programs:${clientId}`,
    cursor,
    (after) =>
      db
        .select()
        .from(programs)
        .where(and(eq(programs.clientId, clientId), gt(programs.seq, after ?? 0)))
        .orderBy(programs.seq)
        .limit(PAGE_SIZE + 1)
        .all(),
    (program) => program.seq,
  );
  return { programs: items.map(programView), next_cursor };
}

export async function updateProgram(
  db: Database,
  clientId: string,
  input: { program_id: string; name?: string | null; settings?: z.output<typeof ProgramSettingsInput> | null },
): Promise<Program> {
  const current = await getProgram(db, clientId, input.program_id);
  const row = await db
    .update(programs)
    .set({
      name: input.name ?? current.name,
      settings: applySettings(current.settings, input.settings),
      updatedAt: nowTimestamp(),
    })
    .where(and(eq(programs.id, current.id), eq(programs.clientId, clientId)))
    .returning()
    .get();
  return row;
}
