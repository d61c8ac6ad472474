import { describe, expect, it } from 'vitest';
import { api, newBeaconUser, newClient, newProgram, stranger } from './support/api';
import { flashOf, invite, newMemberWithAdmin } from './support/console';
import { inUserShards } from './support/storage';

/** The rows of the table whose caption contains `caption`: [field, ...cells, code]. */
function tableRows(html: string, caption: RegExp): string[][] {
  const table = [...html.matchAll(/<table[^>]*>([\s\S]*?)<\/table>/g)]
    .map((m) => m[1]!)
    .find((t) => caption.test((/<caption>([\s\S]*?)<\/caption>/.exec(t)?.[1] ?? '').replace(/<[^>]+>/g, '')));
  expect(table, String(caption)).toBeDefined();
  return [...table!.replace(/<thead>[\s\S]*?<\/thead>/, '').matchAll(/<tr[^>]*>([\s\S]*?)<\/tr>/g)].map((row) =>
    [...row[1]!.matchAll(/<t[hd][^>]*>([\s\S]*?)<\/t[hd]>/g)].map((cell) => cell[1]!.replace(/<[^>]+>/g, '').trim()),
  );
}

const FIELD_WORDS: Record<string, RegExp> = {
  name: /^Name/,
  date_of_birth: /^Date of birth/,
  address: /^Address/,
  email_address: /^Email address/,
  phone_number: /^Phone number/,
  id_number: /^ID number/,
  ip_address: /^IP address/,
  depository_accounts: /^Bank accounts/,
};
const LEVEL_WORDS: Record<string, string> = { match: 'Match', partial_match: 'Partial match', no_match: 'No match', no_data: 'No data' };

describe('a user’s page', () => {
  it('compares a duplicate side by side, field by field, each with its match code', async () => {
    const { client, admin: analyst } = await newMemberWithAdmin();
    const program = await newProgram(client);
    const person = stranger();
    const first = await newBeaconUser(client, program, person, 'first-customer');
    const second = await newBeaconUser(client, program, {
      ...person,
      name: { ...person.name, family_name: `${person.name.family_name}-Wyatt` },
      email_address: 'different@example.org',
    });
    const page = await analyst.browser.get(`/console/users/${second.id}`);
    const rows = tableRows(page.html, /Compared with first-customer/);
    const byField = Object.fromEntries(rows.map(([field, self, other, code]) => [field, { self, other, code }]));
    expect(byField.Name).toEqual({
      self: `${person.name.given_name} ${person.name.family_name}-Wyatt`,
      other: `${person.name.given_name} ${person.name.family_name}`,
      code: 'Partial match',
    });
    expect(byField['Date of birth']).toEqual({ self: person.date_of_birth, other: person.date_of_birth, code: 'Match' });
    expect(byField['Email address']).toEqual({ self: 'different@example.org', other: person.email_address, code: 'No match' });
    expect(byField['Bank accounts']).toEqual({ self: 'not given', other: 'not given', code: 'No data' });
    // Each code is coloured by its class, and said in words.
    expect(page.html).toMatch(/<tr class="row-partial_match"><th scope="row">Name<\/th>/);
    expect(page.html).toContain('<span class="badge code-no_match">No match</span>');
    // The codes are the duplicate's own analysis.
    const [duplicate] = await inUserShards<{ id: string }>('SELECT id FROM beacon_duplicates WHERE beacon_user1_id = ?', second.id);
    const analysis = (await api(client, '/beacon/duplicate/get', { beacon_duplicate_id: duplicate!.id })).body.analysis;
    expect(analysis).toMatchObject({ name: 'partial_match', date_of_birth: 'match', email_address: 'no_match' });
    // The other user's page shows the same pair from its side.
    const other = await analyst.browser.get(`/console/users/${first.id}`);
    expect(tableRows(other.html, /Compared with/).find(([field]) => field === 'Name')).toEqual([
      'Name',
      `${person.name.given_name} ${person.name.family_name}`,
      `${person.name.given_name} ${person.name.family_name}-Wyatt`,
      'Partial match',
    ]);
  });

  it('shows a network report’s facts and what matched, never the reporting member’s data', async () => {
    const theirs = await newClient();
    const theirProgram = await newProgram(theirs);
    const fraudster = stranger();
    const theirUser = await newBeaconUser(theirs, theirProgram, { ...fraudster, email_address: 'their-only@example.net', phone_number: '+13125550199', ip_address: '192.0.2.123' });
    expect((await api(theirs, '/beacon/report/create', { beacon_user_id: theirUser.id, type: 'account_takeover', fraud_date: '2024-05-06' })).status).toBe(200);

    const { client, admin: analyst } = await newMemberWithAdmin();
    const program = await newProgram(client);
    const ours = await newBeaconUser(client, program, { ...fraudster, email_address: 'ours@example.org', phone_number: '+13125550142' });
    expect(ours.status).toBe('pending_review');
    const page = await analyst.browser.get(`/console/users/${ours.id}`);
    expect(page.html).toContain('Account takeover · reported by another member');
    expect(page.html).toContain('<dd>2024-05-06</dd>');
    const rows = tableRows(page.html, /What matched/);
    expect(rows.find(([field]) => field === 'Name')).toEqual(['Name', `${fraudster.name.given_name} ${fraudster.name.family_name}`, 'Match']);
    expect(rows.find(([field]) => field === 'Email address')).toEqual(['Email address', 'ours@example.org', 'No match']);
    for (const theirsOnly of ['their-only@example.net', '+13125550199', '192.0.2.123', theirUser.id, theirUser.client_user_id]) expect(page.html).not.toContain(theirsOnly);
  });

  it('draws each match weight as a waterfall beside its comparison: duplicates and own reports, never another member’s report', async () => {
    const { client, admin: analyst } = await newMemberWithAdmin();
    const program = await newProgram(client);
    const person = stranger();
    const first = await newBeaconUser(client, program, person, 'weighed-first');
    const second = await newBeaconUser(client, program, { ...person, name: { ...person.name, family_name: `${person.name.family_name}-Wyatt` } });
    const [stored] = await inUserShards<{ match_weight: string }>('SELECT match_weight FROM beacon_duplicates WHERE beacon_user1_id = ?', second.id);
    const weight = JSON.parse(stored!.match_weight) as { prior: number; weight: number; threshold: number; fields: { field: string; level: string; weight: number }[] };
    let page = await analyst.browser.get(`/console/users/${second.id}`);
    let rows = tableRows(page.html, /^Match weight/);
    // The prior, each field that moved the weight with its level, and the total: the stored weight.
    expect(rows[0]!.slice(0, 4)).toEqual(['Prior odds', '', `${weight.prior < 0 ? '−' : '+'}${Math.abs(weight.prior).toFixed(1)}`, weight.prior.toFixed(1)]);
    expect(rows.at(-1)!.slice(0, 4)).toEqual(['Total', '', weight.weight.toFixed(1), weight.weight.toFixed(1)]);
    const moved = weight.fields.filter((f) => f.weight !== 0);
    expect(rows.slice(1, -1).map(([field, level]) => [field, level])).toEqual(moved.map((f) => [expect.stringMatching(FIELD_WORDS[f.field]!), LEVEL_WORDS[f.level]]));
    expect(rows.find(([field]) => field === 'Name')![1]).toBe('Partial match');
    expect(page.html).toMatch(new RegExp(`Match weight ${weight.weight.toFixed(1)} \\(probability (over )?[0-9.]+%\\) · threshold ${weight.threshold}`));
    // Beside the comparison it explains, drawn as bars with the threshold marked.
    expect(page.html).toMatch(/<div class="compared"><table class="compare">[\s\S]*?<\/table><table class="waterfall">/);
    expect(page.html).toMatch(/<svg width="160" height="14" aria-hidden="true" class="bar"><rect [^>]+><\/rect><line class="threshold"/);

    // One of our own reports: its syndication is weighed for the analyst too.
    expect((await api(client, '/beacon/report/create', { beacon_user_id: first.id, type: 'first_party', fraud_date: '2024-02-03' })).status).toBe(200);
    const returning = await newBeaconUser(client, await newProgram(client), { ...person, ip_address: '198.51.100.77' });
    page = await analyst.browser.get(`/console/users/${returning.id}`);
    expect(page.html).toContain('one of our reports');
    rows = tableRows(page.html, /^Match weight/);
    expect(rows.at(-1)![0]).toBe('Total');

    // Another member's report: its weight was made on the full comparison, near misses on
    // their identifiers included, so it is stored and never shown.
    const theirs = await newClient();
    const fraudster = stranger();
    const theirUser = await newBeaconUser(theirs, await newProgram(theirs), fraudster);
    expect((await api(theirs, '/beacon/report/create', { beacon_user_id: theirUser.id, type: 'stolen', fraud_date: '2024-01-01' })).status).toBe(200);
    const matched = await newBeaconUser(client, program, fraudster);
    const [syndication] = await inUserShards<{ match_weight: string | null }>('SELECT match_weight FROM report_syndications WHERE beacon_user_id = ?', matched.id);
    expect(JSON.parse(syndication!.match_weight!).weight).toBeGreaterThan(0);
    page = await analyst.browser.get(`/console/users/${matched.id}`);
    expect(page.html).toContain('reported by another member');
    expect(page.html).not.toContain('class="waterfall"');
    expect(page.html).not.toContain('Match weight');
  });

  it('offers the review decisions the rules allow, and says the rule for the others', async () => {
    const theirs = await newClient();
    const fraudster = stranger();
    const reported = await newBeaconUser(theirs, await newProgram(theirs), fraudster);
    expect((await api(theirs, '/beacon/report/create', { beacon_user_id: reported.id, type: 'stolen', fraud_date: '2024-01-01' })).status).toBe(200);
    const { client, admin: analyst } = await newMemberWithAdmin();
    const user = await newBeaconUser(client, await newProgram(client), fraudster);
    const browser = analyst.browser;

    let page = await browser.get(`/console/users/${user.id}`);
    expect(page.html).toMatch(
      /disabled="" aria-describedby="why-rejected">Reject<\/button><span id="why-rejected" class="why">Status rejected needs an active Beacon Report on the user or a confirmed Beacon Report Syndication\./,
    );
    expect(page.html).toContain(`action="/console/users/${user.id}/review"`);
    // Posting it anyway: the same rule, as the page's message.
    const refused = await browser.follow(await browser.post(`/console/users/${user.id}/review`, { status: 'rejected' }));
    expect(flashOf(refused)).toMatch(/^Status rejected needs an active Beacon Report/);

    // Confirming the syndication makes rejecting allowed and clearing refused.
    const syndication = /action="\/console\/syndications\/(becrsn_[0-9A-Za-z]{14})\/confirm"/.exec(page.html)![1]!;
    page = await browser.follow(await browser.post(`/console/syndications/${syndication}/confirm`));
    expect(flashOf(page)).toMatch(/confirmed/);
    expect(page.html).toMatch(
      /disabled="" aria-describedby="why-cleared">Clear<\/button><span id="why-cleared" class="why">Status cleared is not allowed while the user has an active Beacon Report or a confirmed Beacon Report Syndication\./,
    );
    page = await browser.follow(await browser.post(`/console/users/${user.id}/review`, { status: 'rejected' }));
    expect(flashOf(page)).toBe('The user is rejected (version 2).');
  });

  it('files, edits and deletes a report, keeps notes sealed, and shows who did everything', async () => {
    const { client, admin: lead } = await newMemberWithAdmin();
    const analyst = await invite(lead, 'analyst');
    const user = await newBeaconUser(client, await newProgram(client), stranger());
    const browser = analyst.browser;
    await browser.get(`/console/users/${user.id}`);

    let page = await browser.follow(await browser.post(`/console/users/${user.id}/reports`, { type: 'synthetic', fraud_date: '2024-03-04', fraud_amount: '125.50' }));
    expect(flashOf(page)).toMatch(/report is filed/);
    const [report] = (await api(client, '/beacon/report/list', { beacon_user_id: user.id })).body.beacon_reports;
    expect(report).toMatchObject({
      type: 'synthetic',
      fraud_date: '2024-03-04',
      fraud_amount: { iso_currency_code: 'USD', value: 125.5 },
      audit_trail: { source: 'dashboard', dashboard_user_id: analyst.id },
    });
    expect((await api(client, '/beacon/user/get', { beacon_user_id: user.id })).body.status).toBe('rejected');

    // Bad input is refused with the rule, and writes nothing.
    page = await browser.follow(await browser.post(`/console/reports/${report.id}/update`, { back: user.id, type: 'synthetic', fraud_date: '2999-01-01', fraud_amount: '' }));
    expect(flashOf(page)).toMatch(/fraud_date: must not be in the future/);
    page = await browser.follow(await browser.post(`/console/reports/${report.id}/update`, { back: user.id, type: 'stolen', fraud_date: '2024-03-04', fraud_amount: '' }));
    expect(flashOf(page)).toBe('The report is saved.');
    expect((await api(client, '/beacon/report/get', { beacon_report_id: report.id })).body).toMatchObject({ type: 'stolen', fraud_amount: null });

    const note = `Spoke to the bank ${crypto.randomUUID()}`;
    page = await browser.follow(await browser.post(`/console/users/${user.id}/notes`, { body: note }));
    expect(page.html).toContain(note);
    const stored = await inUserShards<{ body: string; dashboard_user_id: string }>('SELECT body, dashboard_user_id FROM beacon_user_notes WHERE beacon_user_id = ?', user.id);
    expect(stored).toHaveLength(1);
    expect(stored[0]!.body).not.toContain('Spoke');
    expect(stored[0]!.dashboard_user_id).toBe(analyst.id);
    expect(flashOf(await browser.follow(await browser.post(`/console/users/${user.id}/notes`, { body: '   ' })))).toBe('Note must not be empty.');

    page = await browser.follow(await browser.post(`/console/reports/${report.id}/delete`, { back: user.id }));
    expect(flashOf(page)).toMatch(/report is deleted/);
    page = await lead.browser.get(`/console/users/${user.id}`);
    const history = tableRows(page.html, /Newest first/).map(([, what, who]) => `${what} — ${who}`);
    const by = `${analyst.email} ${analyst.id}`;
    expect(history).toEqual(
      expect.arrayContaining([
        `Report filed — ${by}`,
        `Report deleted — ${by}`,
        `Note added — ${by}`,
        'Version 2: Status changed Rejected Reported by us — System',
        'Version 1: Created Cleared — API',
      ]),
    );
  });
});
