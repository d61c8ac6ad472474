import { describe, expect, it } from 'vitest';
import { api, dashboard, expectError, newBeaconUser, newClient, newProgram, stranger } from './support/api';
import { expectSpecShape } from './support/spec';
import { inIndexShards, inUserShards } from './support/storage';

async function reportedUser() {
  const client = await newClient();
  const program = await newProgram(client);
  const person = stranger();
  const user = await newBeaconUser(client, program, person);
  const report = await api(client, '/beacon/report/create', {
    beacon_user_id: user.id,
    type: 'first_party',
    fraud_date: '2024-05-29',
    fraud_amount: { iso_currency_code: 'USD', value: 100 },
  });
  expect(report.status, JSON.stringify(report.body)).toBe(200);
  return { client, program, person, user, report: report.body };
}

const codesFor = (fragment: string) =>
  inUserShards<{ webhook_code: string }>('SELECT webhook_code FROM webhook_events WHERE payload LIKE ? ORDER BY seq', `%${fragment}%`).then((rows) =>
    rows.map((row) => row.webhook_code),
  );

describe('/beacon/report/*', () => {
  it('creates a report, and the system rejects the user in a new version', async () => {
    const { client, user, report } = await reportedUser();
    expect(report).toEqual({
      id: expect.stringMatching(/^becrpt_[0-9A-Za-z]{14}$/),
      beacon_user_id: user.id,
      created_at: expect.stringMatching(/Z$/),
      type: 'first_party',
      fraud_date: '2024-05-29',
      event_date: report.created_at.slice(0, 10),
      fraud_amount: { iso_currency_code: 'USD', value: 100 },
      audit_trail: { source: 'api', dashboard_user_id: null, timestamp: report.created_at },
      request_id: expect.any(String),
    });
    expectSpecShape('BeaconReportCreateResponse', report);
    const after = await api(client, '/beacon/user/get', { beacon_user_id: user.id });
    expect(after.body).toMatchObject({ version: 2, status: 'rejected', audit_trail: { source: 'system', dashboard_user_id: null } });
    expect(await codesFor(report.id)).toEqual(['REPORT_CREATED']);
    expect(await codesFor(user.id)).toEqual(['USER_STATUS_UPDATED']);
  });

  it('gets and lists reports; a second active report is refused until the first is deleted', async () => {
    const { client, user, report } = await reportedUser();
    const got = await api(client, '/beacon/report/get', { beacon_report_id: report.id });
    expect({ ...got.body, request_id: '' }).toEqual({ ...report, request_id: '' });
    expectSpecShape('BeaconReportGetResponse', got.body);
    const listed = await api(client, '/beacon/report/list', { beacon_user_id: user.id });
    expect(listed.body.beacon_reports.map((r: { id: string }) => r.id)).toEqual([report.id]);
    expect(listed.body.next_cursor).toBeNull();
    expectSpecShape('BeaconReportListResponse', listed.body);

    const second = await api(client, '/beacon/report/create', { beacon_user_id: user.id, type: 'stolen', fraud_date: '2024-06-01' });
    expectError(second, 400, 'INVALID_REQUEST', 'INVALID_FIELD', /already has an active report/);

    const deleted = await dashboard(client, '/dashboard/report/delete', { beacon_report_id: report.id });
    expect(deleted.body).toMatchObject({ beacon_report_id: report.id, deleted_at: expect.stringMatching(/Z$/) });
    expectError(await api(client, '/beacon/report/get', { beacon_report_id: report.id }), 400, 'INVALID_REQUEST', 'INVALID_FIELD', /^beacon_report_id not found$/);
    expect((await api(client, '/beacon/report/list', { beacon_user_id: user.id })).body.beacon_reports).toEqual([]);
    expect(await inIndexShards('SELECT 1 FROM report_keys WHERE report_id = ?', report.id)).toEqual([]);

    const again = await api(client, '/beacon/report/create', { beacon_user_id: user.id, type: 'stolen', fraud_date: '2024-06-01' });
    expect(again.status).toBe(200);
    expect(again.body.fraud_amount).toBeNull();
  });

  it('lets analysts edit a report, firing REPORT_UPDATED', async () => {
    const { client, report } = await reportedUser();
    const updated = await dashboard(client, '/dashboard/report/update', { beacon_report_id: report.id, type: 'synthetic', fraud_amount: null, dashboard_user_id: 'analyst-7' });
    expect(updated.body).toMatchObject({
      id: report.id,
      type: 'synthetic',
      fraud_date: '2024-05-29',
      fraud_amount: null,
      audit_trail: { source: 'dashboard', dashboard_user_id: 'analyst-7' },
    });
    const kept = await dashboard(client, '/dashboard/report/update', { beacon_report_id: report.id, fraud_date: '2024-01-02' });
    expect(kept.body).toMatchObject({ type: 'synthetic', fraud_date: '2024-01-02', fraud_amount: null });
    expect(await codesFor(report.id)).toEqual(['REPORT_CREATED', 'REPORT_UPDATED', 'REPORT_UPDATED']);
  });

  it('validates reports', async () => {
    const client = await newClient();
    const user = await newBeaconUser(client, await newProgram(client), stranger());
    const cases: [Record<string, unknown>, RegExp][] = [
      [{ type: 'phishing' }, /^type: must be one of/],
      [{ fraud_date: '2999-01-01' }, /fraud_date: must not be in the future/],
      [{ fraud_amount: { iso_currency_code: 'EUR', value: 1 } }, /fraud_amount\.iso_currency_code: must be USD/],
      [{ fraud_amount: { iso_currency_code: 'USD', value: -1 } }, /fraud_amount\.value: must not be negative/],
      [{ fraud_amount: { iso_currency_code: 'USD', value: 1.005 } }, /fraud_amount\.value: must have at most two decimals/],
    ];
    for (const [fields, message] of cases) {
      const answer = await api(client, '/beacon/report/create', { beacon_user_id: user.id, type: 'stolen', fraud_date: '2024-01-01', ...fields });
      expectError(answer, 400, 'INVALID_REQUEST', 'INVALID_FIELD', message);
    }
    expectError(await api(client, '/beacon/report/create', { beacon_user_id: user.id }), 400, 'INVALID_REQUEST', 'MISSING_FIELDS', /type, fraud_date/);
    expect((await api(client, '/beacon/user/get', { beacon_user_id: user.id })).body.status).toBe('cleared');
  });

  it('keeps reports apart between clients', async () => {
    const { user, report } = await reportedUser();
    const other = await newClient();
    expectError(await api(other, '/beacon/report/get', { beacon_report_id: report.id }), 400, 'INVALID_REQUEST', 'INVALID_FIELD', /^beacon_report_id not found$/);
    expectError(await api(other, '/beacon/report/list', { beacon_user_id: user.id }), 400, 'INVALID_REQUEST', 'INVALID_FIELD', /^beacon_user_id not found$/);
    expectError(
      await api(other, '/beacon/report/create', { beacon_user_id: user.id, type: 'stolen', fraud_date: '2024-01-01' }),
      400,
      'INVALID_REQUEST',
      'INVALID_FIELD',
      /^beacon_user_id not found$/,
    );
    expectError(await dashboard(other, '/dashboard/report/delete', { beacon_report_id: report.id }), 400, 'INVALID_REQUEST', 'INVALID_FIELD', /^beacon_report_id not found$/);
    expectError(
      await dashboard(other, '/dashboard/report/update', { beacon_report_id: report.id, type: 'unknown' }),
      400,
      'INVALID_REQUEST',
      'INVALID_FIELD',
      /^beacon_report_id not found$/,
    );
  });
});

describe('own reports (check 2)', () => {
  it('rejects a new user matching the client’s report in any of its programs, with a syndication showing the report id', async () => {
    const { client, person, report } = await reportedUser();
    const otherProgram = await newProgram(client);
    const again = await newBeaconUser(client, otherProgram, { ...person, email_address: 'someone.new@example.com' });
    expect(again.status).toBe('rejected');
    const syndications = await api(client, '/beacon/report_syndication/list', { beacon_user_id: again.id });
    expect(syndications.body.beacon_report_syndications).toHaveLength(1);
    const [syndication] = syndications.body.beacon_report_syndications;
    expect(syndication.report).toEqual({ id: report.id, created_at: report.created_at, type: 'first_party', fraud_date: '2024-05-29', event_date: report.event_date });
    expectSpecShape('BeaconReportSyndicationListResponse', syndications.body);
  });
});

describe('review rules (docs/product.md §5.4)', () => {
  it('with an active report: rejected allowed, cleared refused; after deletion the reverse', async () => {
    const { client, user, report } = await reportedUser();
    expectError(await api(client, '/beacon/user/review', { beacon_user_id: user.id, status: 'cleared' }), 400, 'INVALID_REQUEST', 'INVALID_FIELD', /cleared is not allowed/);
    expect((await api(client, '/beacon/user/review', { beacon_user_id: user.id, status: 'pending_review' })).body.status).toBe('pending_review');
    expect((await api(client, '/beacon/user/review', { beacon_user_id: user.id, status: 'rejected' })).body.status).toBe('rejected');

    await dashboard(client, '/dashboard/report/delete', { beacon_report_id: report.id });
    expectError(await api(client, '/beacon/user/review', { beacon_user_id: user.id, status: 'rejected' }), 400, 'INVALID_REQUEST', 'INVALID_FIELD', /rejected needs/);
    const cleared = await api(client, '/beacon/user/review', { beacon_user_id: user.id, status: 'cleared' });
    expect(cleared.body).toMatchObject({ status: 'cleared', audit_trail: { source: 'api' } });
  });

  it('a confirmed syndication allows rejected and refuses cleared; unconfirmed it does neither', async () => {
    const { client, person } = await reportedUser();
    const other = await newClient();
    const program = await newProgram(other);
    const user = await newBeaconUser(other, program, person);
    expect(user.status).toBe('pending_review');
    const [syndication] = (await api(other, '/beacon/report_syndication/list', { beacon_user_id: user.id })).body.beacon_report_syndications;
    expectError(await api(other, '/beacon/user/review', { beacon_user_id: user.id, status: 'rejected' }), 400, 'INVALID_REQUEST', 'INVALID_FIELD', /rejected needs/);

    const confirmed = await dashboard(other, '/dashboard/report_syndication/confirm', { beacon_report_syndication_id: syndication.id, dashboard_user_id: 'analyst-2' });
    expect(confirmed.body).toMatchObject({ id: syndication.id, confirmed_at: expect.stringMatching(/Z$/), confirmed_by: 'analyst-2' });
    expectError(await api(other, '/beacon/user/review', { beacon_user_id: user.id, status: 'cleared' }), 400, 'INVALID_REQUEST', 'INVALID_FIELD', /cleared is not allowed/);
    expect((await api(other, '/beacon/user/review', { beacon_user_id: user.id, status: 'rejected' })).body.status).toBe('rejected');
    // Confirming again changes nothing.
    const again = await dashboard(other, '/dashboard/report_syndication/confirm', { beacon_report_syndication_id: syndication.id });
    expect(again.body.confirmed_at).toBe(confirmed.body.confirmed_at);
    expectError(
      await dashboard(client, '/dashboard/report_syndication/confirm', { beacon_report_syndication_id: syndication.id }),
      400,
      'INVALID_REQUEST',
      'INVALID_FIELD',
      /^beacon_report_syndication_id not found$/,
    );
  });
});
