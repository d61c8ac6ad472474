/** `network import <program> <file>`: a member's existing users, from a file of any size,
 * through /admin/beacon_user/import — 100 a request, a few requests in flight.
 *
 * - **Checkpoint** (`<file>.checkpoint.json`): after each acknowledged request, how many rows
 *   from the top of the file are done, with no gap. An interrupted import started again
 *   resumes there; the rows of requests that were in flight are sent again, which is safe
 *   (the import returns users that already exist, with the same data, unchanged).
 * - **Refusals** (`<file>.refusals.csv`: row, client_user_id, field, reason): rows this
 *   checkout's schema refuses (never sent), and rows the deployment refuses — for their
 *   shape (the request is sent again without them) or on their own (a user outcome's
 *   error). Written in file order as the checkpoint advances, so a resume never repeats one.
 */
import { stringify } from 'csv-stringify/sync';
import { appendFileSync, createReadStream, existsSync, readFileSync, renameSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { AdminError, UsageError, type AdminPlane } from './admin.ts';
import type { Progress } from './progress.ts';
import { readRows, type ImportEntry, type ImportFormat, type Refusal, type Row } from './rows.ts';

/** Users per request: the import's limit. */
export const BATCH = 100;
/** A request is sent at the latest once this many rows are read, however many were refused. */
const MAX_ROWS_PER_REQUEST = 1_000;
/** Requests done ahead of the checkpoint wait for it, at most this many per request in flight:
 * a request retried for long holds back reading, not memory (nor what a resume re-sends). */
const WINDOW_PER_REQUEST = 4;

export interface ImportOptions {
  programId: string;
  file: string;
  format: ImportFormat;
  /** Requests in flight at once. */
  concurrency: number;
  /** Check rows with this checkout's schema before sending them. */
  check: boolean;
  /** Start from the top, dropping the checkpoint and the report. */
  restart: boolean;
  progress: Progress;
  /** Aborted: no new request is sent; those in flight are awaited and checkpointed. */
  signal?: AbortSignal;
}

export interface ImportResult {
  complete: boolean;
  /** Rows done (imported or refused), this run and before. */
  rows: number;
  imported: number;
  /** Rows refused (a row may have several refusals in the report). */
  refused: number;
  /** Rows done in this run, and how long it took. */
  rowsThisRun: number;
  seconds: number;
  checkpointPath: string;
  reportPath: string;
}

interface Checkpoint {
  version: 1;
  program_id: string;
  /** The input as it was when the import started: a changed file is not resumed. */
  input: { size: number; mtime_ms: number };
  /** Rows from the top of the file that are done. */
  rows_done: number;
  imported: number;
  refused: number;
  /** The report's length when the checkpoint was written: a resume cuts it back to this. */
  report_bytes: number;
  complete: boolean;
  updated_at: string;
}

/** Rows read together and sent as one request (with the ones refused before sending). */
interface Chunk {
  rows: Row[];
  done: boolean;
  imported: number;
  refusals: { row: Row; refusal: Refusal }[];
}

const REPORT_HEADER = ['row', 'client_user_id', 'field', 'reason'];

export async function importFile(admin: AdminPlane, options: ImportOptions): Promise<ImportResult> {
  const { programId, file, format, progress } = options;
  const checkpointPath = `${file}.checkpoint.json`;
  const reportPath = `${file}.refusals.csv`;
  if (!existsSync(file)) throw new UsageError(`no such file: ${file}`);
  const stat = statSync(file);
  const input = { size: stat.size, mtime_ms: Math.trunc(stat.mtimeMs) };

  let state = options.restart ? undefined : readCheckpoint(checkpointPath, programId, input);
  if (state?.complete) {
    progress.note(`${file} was imported completely already (${checkpointPath}); pass --restart to import it again.`);
    return { ...resultOf(state), rowsThisRun: 0, seconds: 0 };
  }
  if (state) {
    truncateSync(reportPath, state.report_bytes);
    progress.note(`Resuming after row ${state.rows_done.toLocaleString('en')} of ${file} (checkpoint ${checkpointPath}).`);
  } else {
    writeFileSync(reportPath, stringify([REPORT_HEADER]));
    state = { version: 1, program_id: programId, input, rows_done: 0, imported: 0, refused: 0, report_bytes: statSync(reportPath).size, complete: false, updated_at: now() };
    saveCheckpoint(checkpointPath, state);
  }
  const checkpoint = state;
  const startedWith = checkpoint.rows_done;
  const started = Date.now();
  const total = Math.max(await countRows(file, format), checkpoint.rows_done);

  // Chunks in file order; the checkpoint advances over the ones done, with no gap.
  const chunks: Chunk[] = [];
  const inFlight = new Set<Promise<void>>();
  let fatal: unknown;
  let doneOutOfOrder = 0;
  const show = () =>
    progress.update({
      done: checkpoint.rows_done + doneOutOfOrder,
      total,
      imported: checkpoint.imported,
      refused: checkpoint.refused,
      rate: (checkpoint.rows_done + doneOutOfOrder - startedWith) / Math.max(0.001, (Date.now() - started) / 1000),
    });

  let lastSaved = checkpoint.rows_done;
  const advance = () => {
    let report = '';
    while (chunks[0]?.done) {
      const chunk = chunks.shift()!;
      doneOutOfOrder -= chunk.rows.length;
      chunk.refusals.sort((a, b) => a.row.line - b.row.line);
      for (const { row, refusal } of chunk.refusals) report += stringify([[row.line, row.clientUserId, refusal.field, refusal.reason]]);
      checkpoint.rows_done += chunk.rows.length;
      checkpoint.imported += chunk.imported;
      checkpoint.refused += new Set(chunk.refusals.map(({ row }) => row)).size;
    }
    if (!report && checkpoint.rows_done === lastSaved) return;
    if (report) appendFileSync(reportPath, report);
    checkpoint.report_bytes += Buffer.byteLength(report);
    checkpoint.updated_at = now();
    saveCheckpoint(checkpointPath, checkpoint);
    lastSaved = checkpoint.rows_done;
  };

  const dispatch = (rows: Row[]) => {
    const chunk: Chunk = { rows, done: false, imported: 0, refusals: rows.flatMap((row) => row.refusals.map((refusal) => ({ row, refusal }))) };
    chunks.push(chunk);
    const work = send(admin, programId, chunk).then(
      () => {
        chunk.done = true;
        doneOutOfOrder += chunk.rows.length;
        advance();
        show();
      },
      (error: unknown) => {
        fatal ??= error;
      },
    );
    const tracked = work.finally(() => inFlight.delete(tracked));
    inFlight.add(tracked);
  };

  show();
  let skip = checkpoint.rows_done;
  let pending: Row[] = [];
  let entries = 0;
  try {
    for await (const row of readRows(file, format, options.check)) {
      if (skip > 0) {
        skip--;
        continue;
      }
      pending.push(row);
      if (row.entry) entries++;
      if (entries < BATCH && pending.length < MAX_ROWS_PER_REQUEST) continue;
      while ((inFlight.size >= options.concurrency || chunks.length >= options.concurrency * WINDOW_PER_REQUEST) && !fatal) await Promise.race(inFlight);
      if (fatal || options.signal?.aborted) break;
      dispatch(pending);
      [pending, entries] = [[], 0];
    }
    if (pending.length && !fatal && !options.signal?.aborted) dispatch(pending);
  } finally {
    await Promise.all(inFlight);
    progress.stop();
  }
  if (fatal) throw fatal;

  const complete = chunks.length === 0 && !options.signal?.aborted;
  if (complete) {
    checkpoint.complete = true;
    checkpoint.updated_at = now();
    saveCheckpoint(checkpointPath, checkpoint);
  }
  return { ...resultOf(checkpoint), complete, rowsThisRun: checkpoint.rows_done - startedWith, seconds: (Date.now() - started) / 1000 };

  function resultOf(c: Checkpoint) {
    return { complete: c.complete, rows: c.rows_done, imported: c.imported, refused: c.refused, checkpointPath, reportPath };
  }
}

/** Sends a chunk's entries; the deployment's refusals of single rows are recorded in the
 * chunk, and the request sent again without them. Anything else is thrown: it stops the
 * import (the checkpoint keeps what was done). */
async function send(admin: AdminPlane, programId: string, chunk: Chunk): Promise<void> {
  let sending = chunk.rows.filter((row): row is Row & { entry: ImportEntry } => row.entry !== undefined);
  while (sending.length) {
    try {
      const { beacon_users } = await admin.call<{ beacon_users: ({ error: { error_code: string; error_message: string } } | { beacon_user_id: string })[] }>(
        '/admin/beacon_user/import',
        { program_id: programId, users: sending.map((row) => row.entry) },
      );
      beacon_users.forEach((outcome, i) => {
        if ('error' in outcome) chunk.refusals.push({ row: sending[i]!, refusal: refusalOfOutcome(outcome.error) });
        else chunk.imported++;
      });
      return;
    } catch (error) {
      const blamed = error instanceof AdminError && error.status === 400 ? rowsBlamed(error) : new Map<number, Refusal[]>();
      if (!blamed.size) throw error;
      for (const [index, refusals] of blamed) for (const refusal of refusals) chunk.refusals.push({ row: sending[index]!, refusal });
      sending = sending.filter((_, index) => !blamed.has(index));
    }
  }
}

/** The rows a refused request names (`users.3.user.email_address: …`, or lists of missing or
 * unknown fields), by their index in the request. Empty when it names none (an unknown
 * program, a bad token): then no row is to blame, and the import stops. */
function rowsBlamed(error: AdminError): Map<number, Refusal[]> {
  const blamed = new Map<number, Refusal[]>();
  const blame = (index: number, refusal: Refusal) => blamed.set(index, [...(blamed.get(index) ?? []), refusal]);
  const message = error.body?.error_message ?? '';
  if (error.code === 'INVALID_FIELD') {
    const match = /^users\.(\d+)(?:\.(\S+))?: (.*)$/s.exec(message);
    if (match) blame(Number(match[1]), { field: match[2] ?? '(row)', reason: match[3]! });
  } else if (error.code === 'MISSING_FIELDS' || error.code === 'UNKNOWN_FIELDS') {
    const reason = error.code === 'MISSING_FIELDS' ? 'required' : 'not a field of the import';
    for (const path of message.slice(message.indexOf(': ') + 2).split(', ')) {
      const match = /^users\.(\d+)(?:\.(\S+))?$/.exec(path.trim());
      if (match) blame(Number(match[1]), { field: match[2] ?? '(row)', reason });
    }
  }
  return blamed;
}

/** A user's own refusal in the import's answer (a state rule, e.g. a `client_user_id` that
 * exists with other data); the message names the field when it is about one. */
function refusalOfOutcome(error: { error_code: string; error_message: string }): Refusal {
  const match = /^([a-z_]+(?:\.[a-z_0-9]+)*): (.*)$/s.exec(error.error_message);
  return match ? { field: match[1]!, reason: match[2]! } : { field: '(row)', reason: `${error.error_code}: ${error.error_message}` };
}

function readCheckpoint(path: string, programId: string, input: Checkpoint['input']): Checkpoint | undefined {
  if (!existsSync(path)) return undefined;
  const checkpoint = JSON.parse(readFileSync(path, 'utf8')) as Checkpoint;
  if (checkpoint.program_id !== programId) {
    throw new UsageError(`${path} is the checkpoint of an import into ${checkpoint.program_id}, not ${programId}; pass --restart to start this one from the top`);
  }
  if (checkpoint.input.size !== input.size || checkpoint.input.mtime_ms !== input.mtime_ms) {
    throw new UsageError(`the file changed since ${path} was written; pass --restart to import it from the top (users already imported come back unchanged)`);
  }
  return checkpoint;
}

/** Written whole, then renamed over the old one: a kill never leaves half a checkpoint. */
function saveCheckpoint(path: string, checkpoint: Checkpoint): void {
  writeFileSync(`${path}.tmp`, `${JSON.stringify(checkpoint, null, 2)}\n`);
  renameSync(`${path}.tmp`, path);
}

/** The rows of the file, for progress and ETA: its lines, less the CSV header (blank lines
 * and quoted line breaks make it a slight overestimate). */
async function countRows(file: string, format: ImportFormat): Promise<number> {
  let lines = 0;
  let lastByte = 10;
  for await (const chunk of createReadStream(file) as AsyncIterable<Buffer>) {
    for (let i = chunk.indexOf(10); i !== -1; i = chunk.indexOf(10, i + 1)) lines++;
    lastByte = chunk.at(-1) ?? lastByte;
  }
  if (lastByte !== 10) lines++;
  return Math.max(0, lines - (format === 'csv' ? 1 : 0));
}

const now = () => new Date().toISOString();
