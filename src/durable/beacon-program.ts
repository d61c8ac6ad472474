import { DurableObject } from 'cloudflare:workers';
import { D1Meter, Storage, type D1Usage } from '../db';
import {
  createBeaconUsers,
  createdView,
  importBeaconUsers,
  reviewBeaconUser,
  updateBeaconUser,
  type CreateBeaconUser,
  type ImportBeaconUsers,
  type ReviewBeaconUser,
  type UpdateBeaconUser,
} from '../domain/beacon-users/service';
import type { BeaconUserView } from '../domain/beacon-users/view';
import { rotateProgramKeys, type ProgramCursor } from '../domain/key-rotation';
import type { InProgram, ProgramRecord } from '../domain/program-context';
import { findProgram, updateProgram, type UpdateProgram } from '../domain/programs';
import type { HeldMatchRelease } from '../domain/checks/held-matches';
import { applyNetworkReport, releaseHeldMatch, type ApplyNetworkReport } from '../domain/reports/fanout';
import {
  confirmSyndication,
  createReport,
  deleteReport,
  syncReportIndex,
  updateReport,
  type ConfirmSyndication,
  type CreateReport,
  type DeleteReport,
  type UpdateReport,
} from '../domain/reports/service';
import type { Env } from '../env';
import { capture, type Outcome } from '../errors';
import { handOverEvents, sendFanoutPages } from '../queues/outbox';
import { loadSecrets } from '../secrets';

/** A call's outcome and what it cost in D1. */
export type Metered<T> = Outcome<T> & { usage: D1Usage };

interface PendingCreate {
  cmd: CreateBeaconUser;
  settle: (result: Metered<BeaconUserView>) => void;
  fail: (error: unknown) => void;
}

/** One instance per Beacon Program. It serialises the writes to the program's users, so
 * versions never collide or skip and concurrent creates of one person see each other. Each
 * write is one read batch and one write batch in the program's shard; what needs no
 * serialising was done before the call. State lives in D1; this object holds the queue of
 * pending writes, the program's settings and its counters. */
export class BeaconProgram extends DurableObject<Env> {
  #tail: Promise<unknown> = Promise.resolve();
  #program: ProgramRecord | undefined;
  readonly #usage = new D1Meter();
  #calls = 0;
  /** Creates waiting for their turn: they go together, as one group (see createBeaconUser). */
  #creates: PendingCreate[] = [];

  /** Runs `work` after every write queued before it, and counts what it cost in D1. D1 calls
   * are I/O, during which the runtime would otherwise start the next RPC call. */
  #queue<R>(programId: string, calls: number, work: (ctx: InProgram) => Promise<R>): Promise<{ result: R; usage: D1Usage }> {
    const run = this.#tail.then(async () => {
      const storage = new Storage(this.env);
      const result = await work(await this.#context(programId, storage));
      const usage = storage.meter.snapshot();
      this.#calls += calls;
      this.#usage.add(usage);
      return { result, usage };
    });
    this.#tail = run.catch(() => undefined);
    return run;
  }

  /** One call's work, its refusals returned as data (they cross RPC). */
  async #serially<T>(programId: string, work: (ctx: InProgram) => Promise<T>): Promise<Metered<T>> {
    const { result, usage } = await this.#queue(programId, 1, (ctx) => capture(() => work(ctx)));
    return { ...result, usage };
  }

  async #context(programId: string, storage: Storage): Promise<InProgram> {
    if (!this.#program) {
      const { id, clientId, shard, settings } = await findProgram(storage, programId);
      this.#program = { id, clientId, shard, settings };
    }
    const program = this.#program;
    const db = storage.userShard(program.shard);
    return {
      program,
      db,
      storage,
      secrets: await loadSecrets(this.env),
      commit: async (changes) => {
        await changes.write();
        if (changes.eventIds.length) this.ctx.waitUntil(handOverEvents(this.env, storage, program.shard, changes.eventIds));
      },
      fanOut: (pages) => sendFanoutPages(this.env, pages),
    };
  }

  /** Creates that arrive while the program is busy wait together and then go as one group:
   * one read batch and one write batch for all of them (group commit), each checked on its
   * own, later ones seeing earlier ones. What the group cost is shared among its calls. */
  createBeaconUser(programId: string, cmd: CreateBeaconUser): Promise<Metered<BeaconUserView>> {
    return new Promise((settle, fail) => {
      if (this.#creates.push({ cmd, settle, fail }) > 1) return; // a group is already waiting
      let group: PendingCreate[] = [];
      this.#queue(programId, 0, async (ctx) => {
        group = this.#creates.splice(0);
        this.#calls += group.length;
        const outcomes = await createBeaconUsers(
          ctx,
          group.map((g) => g.cmd),
        );
        return Promise.all(outcomes.map((o, i) => (o.ok ? capture(() => createdView(ctx, o.value, group[i]!.cmd)) : o)));
      }).then(
        ({ result: answers, usage }) => {
          const share = Object.fromEntries(Object.entries(usage).map(([k, v]) => [k, v / group.length])) as unknown as D1Usage;
          group.forEach((g, i) => g.settle({ ...answers[i]!, usage: share }));
        },
        // The group failed as a whole (D1): every call in it fails; so do calls that were
        // waiting to join it when it failed before it started.
        (error) => (group.length ? group : this.#creates.splice(0)).forEach((g) => g.fail(error)),
      );
    });
  }

  importBeaconUsers(programId: string, cmd: ImportBeaconUsers) {
    return this.#serially(programId, (ctx) => importBeaconUsers(ctx, cmd));
  }

  updateBeaconUser(programId: string, cmd: UpdateBeaconUser) {
    return this.#serially(programId, (ctx) => updateBeaconUser(ctx, cmd));
  }

  reviewBeaconUser(programId: string, cmd: ReviewBeaconUser) {
    return this.#serially(programId, (ctx) => reviewBeaconUser(ctx, cmd));
  }

  createReport(programId: string, cmd: CreateReport) {
    return this.#serially(programId, (ctx) => createReport(ctx, cmd));
  }

  updateReport(programId: string, cmd: UpdateReport) {
    return this.#serially(programId, (ctx) => updateReport(ctx, cmd));
  }

  deleteReport(programId: string, cmd: DeleteReport) {
    return this.#serially(programId, (ctx) => deleteReport(ctx, cmd));
  }

  confirmSyndication(programId: string, cmd: ConfirmSyndication) {
    return this.#serially(programId, (ctx) => confirmSyndication(ctx, cmd));
  }

  applyNetworkReport(programId: string, cmd: ApplyNetworkReport) {
    return this.#serially(programId, (ctx) => applyNetworkReport(ctx, cmd));
  }

  /** A step of a key rotation over the program's data (domain/key-rotation.ts). */
  rotateKeys(programId: string, cursor: ProgramCursor | null) {
    return this.#serially(programId, (ctx) => rotateProgramKeys(ctx, cursor));
  }

  releaseHeldMatch(programId: string, heldMatchId: string, by: HeldMatchRelease) {
    return this.#serially(programId, (ctx) => releaseHeldMatch(ctx, heldMatchId, by));
  }

  syncReportIndex(programId: string, reportId: string) {
    return this.#serially(programId, (ctx) => syncReportIndex(ctx, reportId));
  }

  /** Settings changes go through here, so that the checks use them from the next write on. */
  updateProgram(programId: string, cmd: UpdateProgram) {
    return this.#serially(programId, async (ctx) => {
      const program = await updateProgram(ctx.storage, cmd);
      this.#program = { ...ctx.program, settings: program.settings };
      return program;
    });
  }

  /** What this object has cost in D1 since it started (for the operator and the benchmark). */
  metrics() {
    const usage = this.#usage.snapshot();
    return {
      calls: this.#calls,
      d1_round_trips: usage.roundTrips,
      d1_rows_read: usage.rowsRead,
      d1_rows_written: usage.rowsWritten,
      d1_round_trips_per_call: this.#calls ? usage.roundTrips / this.#calls : 0,
    };
  }
}
