import { DurableObject } from 'cloudflare:workers';
import { database, type Database } from '../db';
import { programOfBeaconUser } from '../domain/beacon-users/store';
import {
  createBeaconUser,
  importBeaconUsers,
  reviewBeaconUser,
  updateBeaconUser,
  type CreateBeaconUser,
  type Deps,
  type ImportBeaconUsers,
  type ReviewBeaconUser,
  type UpdateBeaconUser,
} from '../domain/beacon-users/service';
import type { Env } from '../env';
import { dispatch } from '../domain/outbox';
import { applyNetworkReport, type ApplyNetworkReport } from '../domain/reports/fanout';
import {
  confirmSyndication,
  createReport,
  deleteReport,
  updateReport,
  type ConfirmSyndication,
  type CreateReport,
  type DeleteReport,
  type UpdateReport,
} from '../domain/reports/service';
import { capture, type Outcome } from '../errors';
import { loadSecrets } from '../secrets';

/** One instance per Beacon Program. It serialises every write to the program's users, so
 * versions never collide or skip and concurrent creates of one person see each other.
 * State lives in D1; this object holds only the queue of pending writes. */
export class BeaconProgram extends DurableObject<Env> {
  #tail: Promise<unknown> = Promise.resolve();

  /** Runs `work` after every write queued before it. D1 calls are I/O, during which the
   * runtime would otherwise start the next RPC call. */
  #serially<T>(work: (deps: Deps) => Promise<T>): Promise<Outcome<T>> {
    const run = this.#tail.then(async () => capture(async () => work(await this.#deps())));
    this.#tail = run.catch(() => undefined);
    return run;
  }

  async #deps(): Promise<Deps> {
    return {
      db: database(this.env.DB),
      secrets: await loadSecrets(this.env),
      commit: async (changes) => {
        await changes.write();
        this.ctx.waitUntil(dispatch(this.env, changes));
      },
    };
  }

  createBeaconUser(cmd: CreateBeaconUser) {
    return this.#serially((deps) => createBeaconUser(deps, cmd));
  }

  importBeaconUsers(cmd: ImportBeaconUsers) {
    return this.#serially((deps) => importBeaconUsers(deps, cmd));
  }

  updateBeaconUser(cmd: UpdateBeaconUser) {
    return this.#serially((deps) => updateBeaconUser(deps, cmd));
  }

  reviewBeaconUser(cmd: ReviewBeaconUser) {
    return this.#serially((deps) => reviewBeaconUser(deps, cmd));
  }

  createReport(cmd: CreateReport) {
    return this.#serially((deps) => createReport(deps, cmd));
  }

  updateReport(cmd: UpdateReport) {
    return this.#serially((deps) => updateReport(deps, cmd));
  }

  deleteReport(cmd: DeleteReport) {
    return this.#serially((deps) => deleteReport(deps, cmd));
  }

  confirmSyndication(cmd: ConfirmSyndication) {
    return this.#serially((deps) => confirmSyndication(deps, cmd));
  }

  applyNetworkReport(cmd: ApplyNetworkReport) {
    return this.#serially((deps) => applyNetworkReport(deps, cmd));
  }
}

/** The Durable Object of a program. */
export function programObject(env: Env, programId: string) {
  return env.BEACON_PROGRAM.get(env.BEACON_PROGRAM.idFromName(programId));
}

/** The Durable Object of the program a client's Beacon User belongs to ("not found" for
 * another client's user). */
export async function programObjectOfUser(env: Env, db: Database, clientId: string, beaconUserId: string) {
  return programObject(env, await programOfBeaconUser(db, clientId, beaconUserId));
}
