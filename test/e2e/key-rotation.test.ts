import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { LOCAL_RECEIVER_PORTS, startLocalWorker, type LocalWorker } from '../../scripts/local-worker.mjs';
import { ROTATED_TEST_KEYS, TEST_SECRETS } from '../secrets.ts';
import { callsTo, person, Receiver, type Calls, type Credentials } from './support';

// Rotating every key of a deployment, end to end, as the operator does it (README, "Rotating
// keys"): one set of data, three deployments of the same Worker in turn —
//   1. the old keys;
//   2. new keys, the old ones as …_PREVIOUS: the rotation runs and completes;
//   3. the new keys only: everything stored before still opens, matches and signs.

const NEW_KEYS = ROTATED_TEST_KEYS;
const PHASES = {
  old: TEST_SECRETS,
  rotating: {
    ...TEST_SECRETS,
    ...NEW_KEYS,
    PII_ENCRYPTION_KEY_PREVIOUS: TEST_SECRETS.PII_ENCRYPTION_KEY,
    HMAC_KEY_PREVIOUS: TEST_SECRETS.HMAC_KEY,
    WEBHOOK_SEALING_KEY_PREVIOUS: TEST_SECRETS.WEBHOOK_SEALING_KEY,
  },
  // (Empty, not left out, so that a developer's .dev.vars cannot bring them back.)
  rotated: { ...TEST_SECRETS, ...NEW_KEYS, PII_ENCRYPTION_KEY_PREVIOUS: '', HMAC_KEY_PREVIOUS: '', WEBHOOK_SEALING_KEY_PREVIOUS: '' },
};

const persistTo = mkdtempSync(join(tmpdir(), 'beacon-rotation-'));
let worker: LocalWorker | undefined;
const receivers: Receiver[] = [];
afterAll(async () => {
  await worker?.stop();
  await Promise.all(receivers.map((r) => r.stop()));
  rmSync(persistTo, { recursive: true, force: true });
});

/** Runs the Worker with the given keys (stopping the one before) on the same databases. */
async function deploy(vars: Record<string, string>): Promise<Calls> {
  await worker?.stop();
  worker = await startLocalWorker({ persistTo, vars: { ...vars, WEBHOOK_RETRY_BASE_SECONDS: '0' }, receiverPorts: LOCAL_RECEIVER_PORTS });
  return callsTo(worker.url, TEST_SECRETS.ADMIN_TOKEN);
}

/** The authenticator secret a console setup page offers to enrol. */
async function setupPageSecret(path: string): Promise<string> {
  const response = await fetch(`${worker!.url}${path}`);
  const html = await response.text();
  expect(response.status, html.slice(0, 500)).toBe(200);
  return /data-secret="([A-Z2-7]+)"/.exec(html)![1]!;
}

async function member(calls: Calls, name: string) {
  const { client_id, secret } = await calls.admin<Credentials>('/admin/client/create', { name });
  const client = { client_id, secret };
  const program = await calls.dashboard<{ id: string }>(client, '/dashboard/program/create', { name: 'Onboarding' });
  return { client, programId: program.id };
}

describe('key rotation, end to end', () => {
  it('moves every stored row to new keys while the Worker serves; the old keys can then go', { timeout: 300_000 }, async () => {
    // 1. Data under the old keys.
    let calls = await deploy(PHASES.old);
    const reporter = await member(calls, 'Reporter Co');
    const other = await member(calls, 'Other Co');
    const receiver = await new Receiver(calls, reporter.client).start(LOCAL_RECEIVER_PORTS);
    receivers.push(receiver);
    await calls.dashboard(reporter.client, '/dashboard/webhook/update', { url: receiver.url });

    const fraudster = person();
    const known = person();
    const reported = await calls.api<{ id: string }>(reporter.client, '/beacon/user/create', { program_id: reporter.programId, client_user_id: 'reported', user: fraudster });
    await calls.api(reporter.client, '/beacon/user/update', { beacon_user_id: reported.id, user: { email_address: `second-${fraudster.email_address}` } });
    await calls.api(reporter.client, '/beacon/report/create', { beacon_user_id: reported.id, type: 'stolen', fraud_date: '2024-03-01' });
    const first = await calls.api<{ id: string }>(reporter.client, '/beacon/user/create', { program_id: reporter.programId, client_user_id: 'known-1', user: known });
    const identity = { emails: [{ data: 'rotation@example.com', primary: true }] };
    const plaidUser = await calls.api<{ user_id: string; user_token: string }>(reporter.client, '/user/create', { client_user_id: 'rotation', identity });
    // The webhook signing key is made, and sealed, now.
    await receiver.until((d) => d.some((x) => x.json.webhook_code === 'REPORT_CREATED'));
    // A console admin invited by the operator: the address sealed (and digested), the setup
    // link's authenticator secret sealed.
    const analystEmail = `rotation-${crypto.randomUUID().slice(0, 8)}@example.com`;
    const analyst = await calls.admin<{ id: string; setup_url: string }>('/admin/dashboard_user/create', { client_id: reporter.client.client_id, email_address: analystEmail });
    const setupPath = new URL(analyst.setup_url).pathname;
    const setupSecret = await setupPageSecret(setupPath);

    // 2. New keys, the old ones as previous: what was stored still reads; the rotation runs.
    calls = await deploy(PHASES.rotating);
    expect((await calls.api(reporter.client, '/beacon/user/get', { beacon_user_id: reported.id })).user.email_address).toBe(`second-${fraudster.email_address}`);
    const before = await calls.admin('/admin/key_rotation/status');
    expect(before).toMatchObject({ rotating: true, rotation: 'pii:r2,hmac:r2,webhook:r2', targets: 0, complete: false });

    const started = await calls.admin('/admin/key_rotation/start');
    // One target per program, two per user shard, the webhook keys and the analysts.
    expect(started.targets).toBeGreaterThanOrEqual(2 + 2 * 2 + 1 + 1);
    let status = started;
    for (const deadline = Date.now() + 60_000; !status.complete; ) {
      if (Date.now() > deadline) throw new Error(`the rotation did not complete: ${JSON.stringify(status)}`);
      await new Promise((resolve) => setTimeout(resolve, 500));
      status = await calls.admin('/admin/key_rotation/status');
    }
    // Two versions and a blocking-index entry per user, a report, a /user user, a signing key,
    // an analyst and the setup link.
    expect(status.rows_changed).toBeGreaterThanOrEqual(3 + 2 + 1 + 1 + 1 + 2);
    expect(status.targets_done).toBe(status.targets);
    expect(status.client_ids_with_secrets_under_previous_hmac_key).toEqual([]);
    // Starting again changes nothing.
    expect(await calls.admin('/admin/key_rotation/start')).toMatchObject({ complete: true, rows_changed: status.rows_changed });

    // 3. The old keys removed.
    calls = await deploy(PHASES.rotated);
    // Identity data, every version of it, opens.
    const history = await calls.api(reporter.client, '/beacon/user/history/list', { beacon_user_id: reported.id });
    // (Newest first: the report's status change, the update, the creation.)
    const second = `second-${fraudster.email_address}`;
    expect(history.beacon_users.map((v: { user: { email_address: string } }) => v.user.email_address)).toEqual([second, second, fraudster.email_address]);
    expect((await calls.api(reporter.client, '/user/get', { user_id: plaidUser.user_id })).identity.emails).toEqual(identity.emails);
    await calls.api(reporter.client, '/user/update', { user_token: plaidUser.user_token, identity }); // refused answers throw

    // The analyst's address opens, and the setup link still shows it and the same secret.
    expect((await calls.api(reporter.client, '/dashboard_user/get', { dashboard_user_id: analyst.id })).email_address).toBe(analystEmail);
    expect(await setupPageSecret(setupPath)).toBe(setupSecret);

    // Blocking keys: a duplicate is found; the report: another member's user matches it.
    const again = await calls.api<{ id: string; status: string }>(reporter.client, '/beacon/user/create', {
      program_id: reporter.programId,
      client_user_id: 'known-2',
      user: known,
    });
    expect(again.status).toBe('pending_review');
    const matched = await calls.api<{ id: string }>(other.client, '/beacon/user/create', { program_id: other.programId, client_user_id: 'same-person', user: fraudster });
    const { beacon_report_syndications } = await calls.api(other.client, '/beacon/report_syndication/list', { beacon_user_id: matched.id });
    expect(beacon_report_syndications).toHaveLength(1);

    // The signing key opens: the duplicate's webhook is signed with the key made in phase 1.
    const deliveries = await receiver.until((d) => d.some((x) => x.json.webhook_code === 'DUPLICATE_DETECTED'));
    const duplicateEvent = deliveries.find((x) => x.json.webhook_code === 'DUPLICATE_DETECTED')!;
    expect(duplicateEvent.verified, duplicateEvent.error).toBe(true);
    const duplicate = await calls.api(reporter.client, '/beacon/duplicate/get', { beacon_duplicate_id: duplicateEvent.json.beacon_duplicate_id });
    expect([duplicate.beacon_user1.id, duplicate.beacon_user2.id].sort()).toEqual([first.id, again.id].sort());
    expect(new Set(deliveries.map((d) => String(d.headers['plaid-verification']).split('.')[0])).size).toBe(1);
  });
});
