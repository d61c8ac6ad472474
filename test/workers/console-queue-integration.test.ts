import { describe, expect, it, vi } from 'vitest';
import { admin, api, dashboard, newBeaconUser, newClient, newProgram, stranger, type Credentials } from './support/api';
import { type Browser, invite, newMemberWithAdmin, type Page } from './support/console';
import { eachShard, inUserShards } from './support/storage';

/** `count` people imported in pairs: the second of each pair is a duplicate of the first
 * (another IP address), so it waits for review. Returns the waiting users' ids. */
async function importPairs(program: string, count: number): Promise<string[]> {
  const waiting: string[] = [];
  for (let start = 0; start < count; start += 50) {
    const people = Array.from({ length: Math.min(50, count - start) }, () => stranger());
    const users = people.flatMap((person, i) => [
      { client_user_id: `pair-${start + i}-a-${crypto.randomUUID().slice(0, 6)}`, user: person },
      { client_user_id: `pair-${start + i}-b-${crypto.randomUUID().slice(0, 6)}`, user: { ...person, ip_address: '203.0.113.77' } },
    ]);
    const answer = await admin('/admin/beacon_user/import', { program_id: program, users });
    expect(answer.status, JSON.stringify(answer.body)).toBe(200);
    const second = answer.body.beacon_users.filter((_: unknown, i: number) => i % 2 === 1);
    expect(second.every((u: { status: string }) => u.status === 'pending_review')).toBe(true);
    waiting.push(...second.map((u: { beacon_user_id: string }) => u.beacon_user_id));
  }
  return waiting;
}

const rowsOf = (page: Page) => [...page.html.matchAll(/<a href="\/console\/users\/(becusr_[0-9A-Za-z]{14})" data-row-link/g)].map((m) => m[1]!);
const nextOf = (page: Page) => /<a href="([^"]+)" rel="next"/.exec(page.html)?.[1]?.replace(/&amp;/g, '&') ?? null;

/** Every row of the queue from `path` on, page after page. */
async function walk(browser: Browser, path: string): Promise<string[]> {
  const ids: string[] = [];
  for (let next: string | null = path; next; ) {
    const page = await browser.get(next);
    expect(page.status, page.html.slice(0, 300)).toBe(200);
    ids.push(...rowsOf(page));
    next = nextOf(page);
  }
  return ids;
}

/** Where each user row is, with its queue position (since, shard, id). */
async function queueOrder(ids: string[]): Promise<string[]> {
  const rows = (
    await Promise.all(
      eachShard('USER_SHARD_').map(async (db, shard) =>
        (
          await db
            .prepare(`SELECT id, status_since FROM beacon_users WHERE id IN (${ids.map(() => '?').join(',')})`)
            .bind(...ids)
            .all<{ id: string; status_since: string }>()
        ).results.map((r) => ({ ...r, shard })),
      ),
    )
  ).flat();
  return rows.sort((a, b) => (a.status_since < b.status_since ? -1 : a.status_since > b.status_since ? 1 : a.shard - b.shard || (a.id < b.id ? -1 : 1))).map((r) => r.id);
}

/** A second program of the member, in the other user shard than its first. */
async function programInOtherShard(client: Credentials, first: string): Promise<string> {
  const { body } = await admin('/admin/program/get', { program_id: first });
  expect((await admin('/admin/client/update', { client_id: client.client_id, program_shard: 1 - body.shard })).status).toBe(200);
  const second = await newProgram(client);
  expect((await admin('/admin/program/get', { program_id: second })).body.shard).toBe(1 - body.shard);
  return second;
}

const reasonOf = async (id: string) => (await inUserShards<{ status: string; status_reason: string | null }>('SELECT status, status_reason FROM beacon_users WHERE id = ?', id))[0];

describe('why a user has its status', () => {
  it('is recorded where the status is decided: duplicate, own report, network report, a report, a review', async () => {
    const ours = await newClient();
    const [program, other] = [await newProgram(ours), await newProgram(ours)];
    const theirs = await newClient();
    const theirProgram = await newProgram(theirs);

    const duplicated = stranger();
    await newBeaconUser(ours, program, duplicated);
    const duplicate = await newBeaconUser(ours, program, { ...duplicated, ip_address: '203.0.113.5' });
    expect(await reasonOf(duplicate.id)).toEqual({ status: 'pending_review', status_reason: 'duplicate' });

    // Another member's report, then our user: check 3 at creation.
    const fraudster = stranger();
    const reported = await newBeaconUser(theirs, theirProgram, fraudster);
    expect((await api(theirs, '/beacon/report/create', { beacon_user_id: reported.id, type: 'stolen', fraud_date: '2024-01-01' })).status).toBe(200);
    const matched = await newBeaconUser(ours, program, fraudster);
    expect(await reasonOf(matched.id)).toEqual({ status: 'pending_review', status_reason: 'network_report' });

    // Our user, then another member's report: the fan-out.
    const later = stranger();
    const early = await newBeaconUser(ours, program, later);
    expect(await reasonOf(early.id)).toEqual({ status: 'cleared', status_reason: null });
    const theirLater = await newBeaconUser(theirs, theirProgram, later);
    expect((await api(theirs, '/beacon/report/create', { beacon_user_id: theirLater.id, type: 'synthetic', fraud_date: '2024-01-01' })).status).toBe(200);
    await vi.waitFor(async () => expect(await reasonOf(early.id)).toEqual({ status: 'pending_review', status_reason: 'network_report' }), { timeout: 10_000, interval: 100 });

    // A report we file on a user, and a user matching it elsewhere in our programs.
    const ours1 = stranger();
    const filedOn = await newBeaconUser(ours, program, ours1);
    expect((await api(ours, '/beacon/report/create', { beacon_user_id: filedOn.id, type: 'first_party', fraud_date: '2024-01-01' })).status).toBe(200);
    expect(await reasonOf(filedOn.id)).toEqual({ status: 'rejected', status_reason: 'reported' });
    const again = await newBeaconUser(ours, other, ours1);
    expect(await reasonOf(again.id)).toEqual({ status: 'rejected', status_reason: 'own_report' });

    // A person's decision: through the API, and through the dashboard plane.
    const reviewed = await newBeaconUser(ours, program, stranger());
    expect((await api(ours, '/beacon/user/review', { beacon_user_id: reviewed.id, status: 'pending_review' })).status).toBe(200);
    expect(await reasonOf(reviewed.id)).toEqual({ status: 'pending_review', status_reason: 'review' });
    expect((await dashboard(ours, '/dashboard/user/review', { beacon_user_id: duplicate.id, status: 'cleared' })).status).toBe(200);
    expect(await reasonOf(duplicate.id)).toEqual({ status: 'cleared', status_reason: 'review' });

    // An update that changes the data but not the status keeps the reason and its time.
    const [before] = await inUserShards<{ status_since: string }>('SELECT status_since FROM beacon_users WHERE id = ?', matched.id);
    expect((await api(ours, '/beacon/user/update', { beacon_user_id: matched.id, user: { ip_address: '192.0.2.200' } })).status).toBe(200);
    expect(await reasonOf(matched.id)).toEqual({ status: 'pending_review', status_reason: 'network_report' });
    expect((await inUserShards<{ status_since: string }>('SELECT status_since FROM beacon_users WHERE id = ?', matched.id))[0]).toEqual(before);

    // Each version carries the reason of its status.
    const versions = await inUserShards<{ version: number; status: string; status_reason: string | null }>(
      'SELECT version, status, status_reason FROM beacon_user_versions WHERE beacon_user_id = ? ORDER BY version',
      duplicate.id,
    );
    expect(versions).toEqual([
      { version: 1, status: 'pending_review', status_reason: 'duplicate' },
      { version: 2, status: 'cleared', status_reason: 'review' },
    ]);
  });
});

describe('the review queue', () => {
  it('lists the member’s waiting users across programs and shards, oldest first, a page at a time, with filters and counts', async () => {
    const { client, admin: analyst } = await newMemberWithAdmin('Queue Co');
    const first = await newProgram(client);
    const second = await programInOtherShard(client, first);
    const inFirst = await importPairs(first, 20);
    const inSecond = await importPairs(second, 12);
    const person = stranger();
    const reviewed = await newBeaconUser(client, second, person);
    expect((await api(client, '/beacon/user/review', { beacon_user_id: reviewed.id, status: 'pending_review' })).status).toBe(200);

    const all = await walk(analyst.browser, '/console/queue');
    expect(all).toEqual(await queueOrder([...inFirst, ...inSecond, reviewed.id]));

    const firstPage = await analyst.browser.get('/console/queue');
    expect(rowsOf(firstPage)).toHaveLength(25);
    expect(firstPage.html).toContain('33 users wait for review');
    expect(firstPage.html).toMatch(/Duplicate found: 32/);
    expect(firstPage.html).toMatch(/Set by a review: 1/);
    expect(firstPage.html).toMatch(new RegExp(`<option value="${second}">Onboarding \\(13\\)</option>`));

    expect(await walk(analyst.browser, `/console/queue?program=${second}`)).toEqual(await queueOrder([...inSecond, reviewed.id]));
    expect(await walk(analyst.browser, '/console/queue?reason=review')).toEqual([reviewed.id]);
    expect(await walk(analyst.browser, `/console/queue?program=${first}&reason=review`)).toEqual([]);

    // Working a user takes it out of the queue, and the counts follow.
    const [oldest] = all;
    await analyst.browser.get(`/console/users/${oldest}`);
    expect((await analyst.browser.post(`/console/users/${oldest}/review`, { status: 'cleared' })).status).toBe(303);
    const after = await analyst.browser.get('/console/queue');
    expect(rowsOf(after)[0]).toBe(all[1]);
    expect(after.html).toContain('32 users wait for review');
  });

  it('reads a bounded number of rows for a page, however many users wait', async () => {
    const small = await newMemberWithAdmin('Small Co');
    await importPairs(await newProgram(small.client), 30);
    const large = await newMemberWithAdmin('Large Co');
    const program = await newProgram(large.client);
    await importPairs(program, 150);
    // Warm: the directory of where each member's data lives is cached by the isolate.
    await small.admin.browser.get('/console/queue');
    await large.admin.browser.get('/console/queue');
    const fewer = await small.admin.browser.get('/console/queue');
    const more = await large.admin.browser.get('/console/queue');
    expect(rowsOf(fewer)).toHaveLength(25);
    expect(rowsOf(more)).toHaveLength(25);
    expect(more.usage.unmetered).toBe(0);
    expect(more.usage.rows_read).toBeLessThanOrEqual(fewer.usage.rows_read! * 1.25);
    // A later page costs what the first does.
    const later = await large.admin.browser.get(nextOf(more)!);
    expect(later.usage.rows_read).toBeLessThanOrEqual(fewer.usage.rows_read! * 1.25);
  });
});

describe('isolation between members', () => {
  it('never shows member B’s analysts member A’s queue, users, notes, programs or analysts, by any URL', async () => {
    const a = await newMemberWithAdmin('A Co');
    const b = await newMemberWithAdmin('B Co');
    const programA = await newProgram(a.client);
    // More than a page waits in A, so A's queue has a cursor.
    const waiting = (await importPairs(programA, 27))[0]!;
    await a.admin.browser.get(`/console/users/${waiting}`);
    expect((await a.admin.browser.post(`/console/users/${waiting}/notes`, { body: 'A’s private note' })).status).toBe(303);
    const reportA = await api(a.client, '/beacon/report/create', { beacon_user_id: waiting, type: 'stolen', fraud_date: '2024-01-01' });
    const analystA = await invite(a.admin, 'analyst');
    const queueA = await a.admin.browser.get('/console/queue');

    const browser = b.admin.browser;
    const queue = await browser.get('/console/queue');
    expect(queue.html).toContain('0 users wait for review');
    expect(queueA.html).toContain('26 users wait for review');
    expect(queue.html).not.toContain(waiting);

    // GETs with A's ids answer exactly as unknown ids do.
    const same = async (path: string, unknown: string) => {
      const [foreign, none] = [await browser.get(path), await browser.get(unknown)];
      expect(foreign.status, path).toBe(404);
      expect(foreign.html.replace(/value="[^"]+"/g, '')).toBe(none.html.replace(/value="[^"]+"/g, ''));
    };
    await same(`/console/users/${waiting}`, '/console/users/becusr_00000000000000');
    await same(`/console/programs/${programA}`, '/console/programs/becprg_00000000000000');

    // Actions with A's ids change nothing and say "not found".
    await browser.get('/console/queue');
    const attempts: [string, Record<string, string>][] = [
      [`/console/users/${waiting}/review`, { status: 'cleared' }],
      [`/console/users/${waiting}/notes`, { body: 'B was here' }],
      [`/console/users/${waiting}/reports`, { type: 'stolen', fraud_date: '2024-01-01', fraud_amount: '' }],
      [`/console/reports/${reportA.body.id}/update`, { back: waiting, type: 'unknown', fraud_date: '2024-01-01', fraud_amount: '' }],
      [`/console/reports/${reportA.body.id}/delete`, { back: waiting }],
      [`/console/programs/${programA}`, { name: 'Mine now', duplicates_to_pending_review: 'on' }],
      [`/console/analysts/${analystA.id}/deactivate`, {}],
      [`/console/analysts/${analystA.id}/role`, { role: 'viewer' }],
    ];
    for (const [path, form] of attempts) {
      const page = await browser.post(path, form);
      const shown = page.status === 303 ? await browser.follow(page) : page;
      expect(shown.html, path).toMatch(/not found/);
    }
    expect(await reasonOf(waiting)).toEqual({ status: 'rejected', status_reason: 'reported' });
    expect((await api(a.client, '/beacon/report/get', { beacon_report_id: reportA.body.id })).body.type).toBe('stolen');
    expect(await inUserShards('SELECT id FROM beacon_user_notes WHERE beacon_user_id = ?', waiting)).toHaveLength(1);
    expect((await api(a.client, '/dashboard_user/get', { dashboard_user_id: analystA.id })).body.status).toBe('active');

    // A's cursor is no use to B; B's analysts page lists only B's team.
    const cursorA = nextOf(queueA)!;
    expect(cursorA).toMatch(/^\/console\/queue\?cursor=/);
    const refused = await browser.get(cursorA);
    expect(refused.status).toBe(400);
    expect(refused.html).toContain('Cursor is invalid');
    const team = await browser.get('/console/analysts');
    expect(team.html).not.toContain(analystA.email);
    expect(team.html).not.toContain(a.admin.email);
  });
});

describe('URLs', () => {
  it('never carry a person’s data: the console links and redirects by ids only, and searches by POST', async () => {
    const { client, admin: analyst } = await newMemberWithAdmin('Private Co');
    const program = await newProgram(client);
    const person = stranger();
    const clientUserId = `customer-${crypto.randomUUID().slice(0, 8)}`;
    await newBeaconUser(client, program, person, clientUserId);
    const twin = await newBeaconUser(client, program, { ...person, ip_address: '203.0.113.99' });
    const browser = analyst.browser;

    await browser.get('/console/queue');
    await browser.get(`/console/users/${twin.id}`);
    await browser.follow(await browser.post(`/console/users/${twin.id}/notes`, { body: `${person.name.family_name} called` }));
    await browser.follow(await browser.post(`/console/users/${twin.id}/reports`, { type: 'synthetic', fraud_date: '2024-01-01', fraud_amount: '5' }));
    await browser.get('/console/search');
    const found = await browser.post('/console/search', { query: clientUserId });
    expect(found.status).toBe(303);
    await browser.follow(found);
    await browser.post('/console/search', { query: person.email_address });
    for (const path of ['/console/programs', `/console/programs/${program}`, '/console/webhooks', '/console/analysts', '/console/account']) await browser.get(path);

    const personal = [
      person.name.given_name,
      person.name.family_name,
      person.email_address,
      person.phone_number,
      person.date_of_birth,
      person.address.street,
      person.id_number.value,
      clientUserId,
    ];
    expect(browser.urls.length).toBeGreaterThan(20);
    for (const url of browser.urls) {
      const decoded = decodeURIComponent(url).toLowerCase();
      for (const value of personal) expect(decoded, url).not.toContain(value.toLowerCase());
    }
  });
});
