import { readFileSync } from 'node:fs';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { callsTo, Receiver, person, type Credentials, type Delivery } from './support';

// Webhooks end to end: a real `wrangler dev` (global-setup.ts, started with
// WEBHOOK_RETRY_BASE_SECONDS=0 so that retries follow at once) delivers to real HTTP
// receivers on 127.0.0.1, on the ports its WEBHOOK_LOCAL_PORTS allows, that verify every
// webhook the way Plaid tells its customers to.

const baseUrl = inject('baseUrl');
const receiverPorts = inject('receiverPorts');
const calls = callsTo(baseUrl, inject('adminToken'));
const { api, dashboard } = calls;

const receivers: Receiver[] = [];
afterAll(() => Promise.all(receivers.map((r) => r.stop())));

/** A member company with a program and a verifying receiver set as its webhook URL. */
async function member() {
  const credentials = await calls.admin<Credentials>('/admin/client/create', { name: 'Webhook E2E Co' });
  const client = { client_id: credentials.client_id, secret: credentials.secret };
  const program = await dashboard<{ id: string }>(client, '/dashboard/program/create', { name: 'Onboarding' });
  const receiver = await new Receiver(calls, client).start(receiverPorts);
  receivers.push(receiver);
  const set = await dashboard<{ webhook_url: string }>(client, '/dashboard/webhook/update', { url: receiver.url });
  expect(set.webhook_url).toBe(receiver.url);
  return { client, programId: program.id, receiver };
}

async function deliveryLog(client: Credentials, eventId: string) {
  const { deliveries } = await dashboard<{ deliveries: { delivery_id: string; status: string; attempts: number }[] }>(client, '/dashboard/webhook/delivery/list', {});
  return deliveries.find((d) => d.delivery_id === eventId);
}

async function logUntil(client: Credentials, eventId: string, status: string) {
  const deadline = Date.now() + 15_000;
  for (;;) {
    const entry = await deliveryLog(client, eventId);
    if (entry?.status === status) return entry;
    if (Date.now() > deadline) throw new Error(`delivery ${eventId} is ${entry?.status}, not ${status}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

describe('webhooks, end to end', () => {
  it('a status change reaches a receiver that verifies it like a Plaid customer', async () => {
    const { client, programId, receiver } = await member();
    const user = await api<{ id: string }>(client, '/beacon/user/create', { program_id: programId, client_user_id: 'e2e-1', user: person() });
    await api(client, '/beacon/user/review', { beacon_user_id: user.id, status: 'pending_review' });

    const [delivery] = await receiver.until((d) => d.length >= 1);
    expect(delivery!.verified, delivery!.error).toBe(true);
    expect(delivery!.status).toBe(200);
    expect(delivery!.body).toBe(JSON.stringify({ webhook_type: 'BEACON', webhook_code: 'USER_STATUS_UPDATED', beacon_user_id: user.id, environment: 'sandbox' }, null, 2));
    expect(delivery!.headers['content-type']).toBe('application/json');
    expect(delivery!.eventId).toMatch(/^evt_/);
    expect(await logUntil(client, delivery!.eventId, 'delivered')).toMatchObject({ attempts: 1 });
  });

  // Needs the report and duplicate endpoints (docs/product.md §2, §5.2–5.4).
  it('every event of a scenario that produces all five codes is delivered and verifies', async () => {
    const reporter = await member();
    const other = await member();
    const someone = person();

    // The other company already knows the person (another email and phone).
    const known = await api<{ id: string }>(other.client, '/beacon/user/create', {
      program_id: other.programId,
      client_user_id: 'known',
      user: { ...someone, email_address: `other-${someone.email_address}`, phone_number: '+13125550123' },
    });
    // The reporter has them twice, with typos: a duplicate.
    const first = await api<{ id: string }>(reporter.client, '/beacon/user/create', { program_id: reporter.programId, client_user_id: 'first', user: someone });
    const again = await api<{ id: string; status: string }>(reporter.client, '/beacon/user/create', {
      program_id: reporter.programId,
      client_user_id: 'again',
      user: { ...someone, name: { ...someone.name, family_name: `${someone.name.family_name}-Smith` }, phone_number: '+13125550199' },
    });
    expect(again.status).toBe('pending_review');
    // A report (REPORT_CREATED, USER_STATUS_UPDATED to rejected), then an analyst's correction.
    const report = await api<{ id: string }>(reporter.client, '/beacon/report/create', { beacon_user_id: first.id, type: 'stolen', fraud_date: '2024-03-01' });
    await dashboard(reporter.client, '/dashboard/report/update', { beacon_report_id: report.id, type: 'synthetic' });

    const expected = ['DUPLICATE_DETECTED', 'REPORT_CREATED', 'REPORT_UPDATED'];
    const statusOf = (d: Delivery[], id: string) => d.some((x) => x.json.webhook_code === 'USER_STATUS_UPDATED' && x.json.beacon_user_id === id);
    const got = await reporter.receiver.until((d) => expected.every((code) => d.some((x) => x.json.webhook_code === code)) && statusOf(d, first.id));
    const syndicated = await other.receiver.until((d) => d.some((x) => x.json.webhook_code === 'REPORT_SYNDICATION_CREATED'));

    for (const delivery of [...got, ...syndicated]) {
      expect(delivery.verified, `${delivery.json.webhook_code}: ${delivery.error}`).toBe(true);
      expect(delivery.json).toMatchObject({ webhook_type: 'BEACON', environment: 'sandbox' });
      expect(Object.keys(delivery.json)).toHaveLength(4);
    }
    const byCode = (list: Delivery[], code: string) => list.filter((d) => d.json.webhook_code === code).map((d) => d.json);
    expect(byCode(got, 'REPORT_CREATED')).toEqual([{ webhook_type: 'BEACON', webhook_code: 'REPORT_CREATED', beacon_report_id: report.id, environment: 'sandbox' }]);
    expect(byCode(got, 'REPORT_UPDATED')[0]).toMatchObject({ beacon_report_id: report.id });
    expect(byCode(got, 'DUPLICATE_DETECTED')[0]!.beacon_duplicate_id).toMatch(/^becdup_/);
    // The report made the reported user rejected. (`again` was created pending_review: a
    // creation is not a status change, so it fires no USER_STATUS_UPDATED.)
    expect(byCode(got, 'USER_STATUS_UPDATED').map((e) => e.beacon_user_id)).toContain(first.id);
    expect(byCode(syndicated, 'REPORT_SYNDICATION_CREATED')[0]!.beacon_report_syndication_id).toMatch(/^becrsn_/);
    // The syndication is the other company's, on its own user.
    const { beacon_report_syndications } = await api<{ beacon_report_syndications: { id: string }[] }>(other.client, '/beacon/report_syndication/list', {
      beacon_user_id: known.id,
    });
    expect(beacon_report_syndications.map((s) => s.id)).toContain(byCode(syndicated, 'REPORT_SYNDICATION_CREATED')[0]!.beacon_report_syndication_id);
  });

  it('webhook URLs may reach this machine only on the receiver ports, never the Worker itself', async () => {
    const { client } = await member();
    const worker = new URL(baseUrl);
    const outside = receiverPorts.last + 1 === Number(worker.port) ? receiverPorts.last + 2 : receiverPorts.last + 1;
    for (const url of [`${baseUrl}/admin/client/list`, `http://localhost:${worker.port}/`, `http://127.0.0.1:${outside}/hook`]) {
      const response = await fetch(`${baseUrl}/dashboard/webhook/update`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ ...client, dashboard_user_id: 'analyst-1', url }),
      });
      expect(response.status, url).toBe(400);
      expect(await response.json()).toMatchObject({ error_code: 'INVALID_FIELD', error_message: expect.stringMatching(/^url must use a port allowed for local receivers/) });
    }
  });

  it('a receiver that fails the first two attempts still gets the event, with the same event id', async () => {
    const { client, programId, receiver } = await member();
    receiver.failFirst = 2;
    const user = await api<{ id: string }>(client, '/beacon/user/create', { program_id: programId, client_user_id: 'flaky', user: person() });
    await api(client, '/beacon/user/review', { beacon_user_id: user.id, status: 'pending_review' });

    const deliveries = await receiver.until((d) => d.some((x) => x.status === 200));
    expect(deliveries.map((d) => [d.attempt, d.status])).toEqual([
      [1, 500],
      [2, 500],
      [3, 200],
    ]);
    expect(new Set(deliveries.map((d) => d.eventId)).size).toBe(1);
    expect(new Set(deliveries.map((d) => d.body)).size).toBe(1);
    expect(deliveries.every((d) => d.verified)).toBe(true);
    expect(await logUntil(client, deliveries[0]!.eventId, 'delivered')).toMatchObject({ attempts: 3, last_http_status: 200 });
  });

  it('a tampered body, or a signature by another key, fails verification', async () => {
    const { client, programId, receiver } = await member();
    const user = await api<{ id: string }>(client, '/beacon/user/create', { program_id: programId, client_user_id: 'tamper', user: person() });
    await api(client, '/beacon/user/review', { beacon_user_id: user.id, status: 'pending_review' });
    const [delivery] = await receiver.until((d) => d.length >= 1);
    await receiver.verify(delivery!.body, delivery!.headers); // the original verifies

    const tampered = delivery!.body.replace(user.id, 'becusr_Forged00000000');
    await expect(receiver.verify(tampered, delivery!.headers)).rejects.toThrow(/request_body_sha256/);
    const reformatted = JSON.stringify(JSON.parse(delivery!.body)); // same JSON, other bytes
    await expect(receiver.verify(reformatted, delivery!.headers)).rejects.toThrow(/request_body_sha256/);

    const jwt = String(delivery!.headers['plaid-verification']);
    const [h, p, s] = jwt.split('.');
    const otherSignature = `${h}.${p}.${s!.split('').reverse().join('')}`;
    await expect(receiver.verify(delivery!.body, { ...delivery!.headers, 'plaid-verification': otherSignature })).rejects.toThrow();
  });

  it('after 8 failed attempts the delivery is dead-lettered and listed; /retry delivers it', async () => {
    const { client, programId, receiver } = await member();
    receiver.failFirst = Number.POSITIVE_INFINITY;
    const user = await api<{ id: string }>(client, '/beacon/user/create', { program_id: programId, client_user_id: 'down', user: person() });
    await api(client, '/beacon/user/review', { beacon_user_id: user.id, status: 'pending_review' });

    const attempts = await receiver.until((d) => d.length >= 8);
    const eventId = attempts[0]!.eventId;
    const dead = await logUntil(client, eventId, 'dead');
    expect(dead).toMatchObject({ attempts: 8, last_http_status: 500, next_attempt_at: null });
    expect(receiver.deliveries.map((d) => d.attempt)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    // wrangler.toml gives both environments the retry count the schedule is built for.
    const config = readFileSync(new URL('../../wrangler.toml', import.meta.url), 'utf8');
    const retries = [...config.matchAll(/queue = "beacon-(?:production-)?webhooks"\n(?:[^\n[]*\n)*?max_retries = (\d+)/g)].map((m) => Number(m[1]));
    expect(retries).toEqual([7, 7]);

    receiver.failFirst = 0;
    const { delivery } = await dashboard<{ delivery: { status: string } }>(client, '/dashboard/webhook/delivery/retry', { delivery_id: eventId });
    expect(delivery.status).toBe('pending');
    await receiver.until((d) => d.some((x) => x.status === 200));
    expect(receiver.deliveries.at(-1)).toMatchObject({ eventId, attempt: 1, status: 200, verified: true });
    expect(await logUntil(client, eventId, 'delivered')).toMatchObject({ attempts: 9 });
  });
});
