/** The one way to a program's Durable Object. Routes, queue consumers and the sweep come
 * here with what a member asked for; the gateway does what needs no serialising first —
 * finding where things live, normalising, hashing, sealing, checks 2 and 3 against the
 * network index — and then asks the program's object to read its shard once and write once. */
import type { Storage } from '../db';
import type { Actor } from '../domain/actor';
import { identityFromRequest, patchIdentity } from '../domain/beacon-users/identity';
import { checkIdentity } from '../domain/beacon-users/prepare';
import { locateBeaconUser, openIdentity } from '../domain/beacon-users/store';
import { beaconUserView } from '../domain/beacon-users/view';
import { getClient } from '../domain/clients';
import { findHeldMatch, type HeldMatchRelease, type HeldMatchView } from '../domain/checks/held-matches';
import { findProgramPlace, ownProgramPlace } from '../domain/directory';
import type { ProgramCursor, RotationCalls } from '../domain/key-rotation';
import type { ImportBeaconUsers } from '../domain/beacon-users/service';
import type { UpdateProgram } from '../domain/programs';
import type { ApplyNetworkReport, NetworkCalls } from '../domain/reports/fanout';
import type { confirmSyndication, CreateReport, UpdateReport } from '../domain/reports/service';
import { locateReport, locateSyndication } from '../domain/reports/store';
import type { Env } from '../env';
import { capture, errors, PlaidError } from '../errors';
import { newId } from '../lib/ids';
import type { BeaconUserRequestData, BeaconUserUpdateRequestData } from '../schemas/beacon-user';
import { loadSecrets } from '../secrets';
import type { BeaconProgram, Metered } from './beacon-program';

/** Creates run their checks concurrently, but an import's users are only so many at once. */
const IMPORT_CONCURRENCY = 10;

export class ProgramGateway implements NetworkCalls, RotationCalls {
  /** D1 round trips made inside Durable Objects for this gateway's calls. */
  objectRoundTrips = 0;

  constructor(
    private readonly env: Env,
    private readonly storage: Storage,
  ) {}

  /** The program's Durable Object. */
  program(programId: string): DurableObjectStub<BeaconProgram> {
    return this.env.BEACON_PROGRAM.get(this.env.BEACON_PROGRAM.idFromName(programId));
  }

  /** Calls the program's object, counts what the call cost and unwraps its outcome. */
  async #call<T>(programId: string, invoke: (object: DurableObjectStub<BeaconProgram>) => Promise<Metered<T>>): Promise<T> {
    const outcome = (await invoke(this.program(programId))) as Metered<T>;
    this.storage.meter.add(outcome.usage);
    this.objectRoundTrips += outcome.usage.roundTrips;
    if (!outcome.ok) throw PlaidError.from(outcome.error);
    return outcome.value;
  }

  async createBeaconUser(clientId: string, input: { programId: string; clientUserId: string; user: BeaconUserRequestData }, actor: Actor) {
    await ownProgramPlace(this.storage, clientId, input.programId);
    const beaconUserId = newId('beaconUser');
    const secrets = await loadSecrets(this.env);
    const checked = await checkIdentity(this.storage, secrets, beaconUserId, (at) => identityFromRequest(input.user, at));
    return this.#call(input.programId, (o) => o.createBeaconUser(input.programId, { beaconUserId, clientUserId: input.clientUserId, checked, actor }));
  }

  /** `/admin/beacon_user/import`: each user checked here (a few at a time), then written in
   * order by the program's object. A user whose check fails is reported, not fatal. */
  async importBeaconUsers(programId: string, users: { client_user_id: string; user: BeaconUserRequestData }[]) {
    const { clientId } = await findProgramPlace(this.storage, programId);
    if ((await getClient(this.storage, clientId)).disabled) throw errors.refused('the program belongs to a disabled client: enable it first (/admin/client/update)');
    const secrets = await loadSecrets(this.env);
    const prepared: ImportBeaconUsers['users'] = [];
    for (let i = 0; i < users.length; i += IMPORT_CONCURRENCY) {
      prepared.push(
        ...(await Promise.all(
          users.slice(i, i + IMPORT_CONCURRENCY).map(async ({ client_user_id, user }) => {
            const beaconUserId = newId('beaconUser');
            const outcome = await capture(() => checkIdentity(this.storage, secrets, beaconUserId, (at) => identityFromRequest(user, at)));
            return outcome.ok
              ? { clientUserId: client_user_id, beaconUserId, checked: outcome.value }
              : { clientUserId: client_user_id, error: { code: outcome.error.code, message: outcome.error.message } };
          }),
        )),
      );
    }
    return this.#call(programId, (o) => o.importBeaconUsers(programId, { users: prepared }));
  }

  async updateBeaconUser(clientId: string, input: { beaconUserId: string; patch: BeaconUserUpdateRequestData | null | undefined }, actor: Actor) {
    const { record } = await locateBeaconUser(this.storage, clientId, input.beaconUserId);
    const secrets = await loadSecrets(this.env);
    const current = await openIdentity(secrets.piiKey, record.user.id, record.version.identity);
    const unchanged = () => beaconUserView(record.user, record.version, current);
    if (!input.patch) return unchanged();
    const checked = await checkIdentity(this.storage, secrets, record.user.id, (at) => patchIdentity(current, input.patch!, at));
    // Data identical to the current version is not a change: no new version.
    if (checked.digests.includes(record.user.identityDigest)) return unchanged();
    const patch = input.patch;
    return this.#call(record.user.programId, (o) =>
      o.updateBeaconUser(record.user.programId, { beaconUserId: record.user.id, patch, checked, basedOn: record.user.version, actor }),
    );
  }

  async reviewBeaconUser(clientId: string, input: { beaconUserId: string; status: 'rejected' | 'pending_review' | 'cleared' }, actor: Actor) {
    const { record } = await locateBeaconUser(this.storage, clientId, input.beaconUserId);
    return this.#call(record.user.programId, (o) => o.reviewBeaconUser(record.user.programId, { beaconUserId: record.user.id, status: input.status, actor }));
  }

  async createReport(clientId: string, cmd: CreateReport) {
    const { record } = await locateBeaconUser(this.storage, clientId, cmd.beaconUserId);
    return this.#call(record.user.programId, (o) => o.createReport(record.user.programId, cmd));
  }

  async updateReport(clientId: string, cmd: UpdateReport) {
    const { report } = await locateReport(this.storage, clientId, cmd.reportId);
    return this.#call(report.programId, (o) => o.updateReport(report.programId, cmd));
  }

  async deleteReport(clientId: string, input: { reportId: string; actor: Actor }) {
    const { report } = await locateReport(this.storage, clientId, input.reportId);
    return this.#call(report.programId, (o) => o.deleteReport(report.programId, input));
  }

  async confirmSyndication(clientId: string, input: { syndicationId: string; actor: Actor }): Promise<Awaited<ReturnType<typeof confirmSyndication>>> {
    const { syndication } = await locateSyndication(this.storage, clientId, input.syndicationId);
    return this.#call(syndication.programId, (o) => o.confirmSyndication(syndication.programId, input));
  }

  async updateProgram(cmd: UpdateProgram) {
    await ownProgramPlace(this.storage, cmd.clientId, cmd.programId);
    return this.#call(cmd.programId, (o) => o.updateProgram(cmd.programId, cmd));
  }

  applyNetworkReport(programId: string, cmd: ApplyNetworkReport): Promise<number> {
    return this.#call(programId, (o) => o.applyNetworkReport(programId, cmd));
  }

  rotateProgramKeys(programId: string, cursor: ProgramCursor | null) {
    return this.#call(programId, (o) => o.rotateKeys(programId, cursor));
  }

  /** Releases a held match, in the receiving program (where it is read again, fresh). */
  async releaseHeldMatch(heldMatchId: string, by: HeldMatchRelease = 'operator', programId?: string) {
    const receiving = programId ?? (await findHeldMatch(this.storage, heldMatchId)).programId;
    // (Stated: the analysis's JSON does not survive RPC's type mapping.)
    return this.#call<HeldMatchView>(receiving, (o) => o.releaseHeldMatch(receiving, heldMatchId, by) as Promise<Metered<HeldMatchView>>);
  }

  syncReportIndex(programId: string, reportId: string): Promise<void> {
    return this.#call(programId, (o) => o.syncReportIndex(programId, reportId));
  }

  async programMetrics(programId: string) {
    await findProgramPlace(this.storage, programId);
    return this.program(programId).metrics();
  }
}
