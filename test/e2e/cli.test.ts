import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'csv-parse/sync';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { random } from '../random.ts';
import { HEADER, personLine, writePeopleCsv } from './support/people.ts';

// The operator's CLI (`npm run network`) against a real `wrangler dev` (global-setup.ts),
// as an operator runs it: a separate process, BEACON_URL and BEACON_ADMIN_TOKEN in its
// environment, files on disk.

const baseUrl = inject('baseUrl');
const adminToken = inject('adminToken');
const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'beacon-cli-'));

interface Run {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Starts the CLI (the same Node as this test, with tsx as `npm run network` uses it). */
function start(args: string[], env: Record<string, string | undefined> = {}) {
  const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/network.ts', ...args], {
    cwd: ROOT,
    env: { ...process.env, BEACON_URL: baseUrl, BEACON_ADMIN_TOKEN: adminToken, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let [stdout, stderr] = ['', ''];
  child.stdout.on('data', (chunk) => (stdout += chunk));
  child.stderr.on('data', (chunk) => (stderr += chunk));
  const done = new Promise<Run>((resolve) => child.on('exit', (code, signal) => resolve({ code, signal, stdout, stderr })));
  return { child, done };
}

const network = (...args: string[]) => start(args).done;
const json = (run: Run) => {
  expect(run.code, run.stderr).toBe(0);
  return JSON.parse(run.stdout);
};

async function post(path: string, body: object, headers: Record<string, string>) {
  const response = await fetch(`${baseUrl}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
  const answer = (await response.json()) as Record<string, any>;
  expect(response.status, `${path}: ${JSON.stringify(answer)}`).toBe(200);
  return answer;
}
const asAdmin = (path: string, body: object) => post(path, body, { authorization: `Bearer ${adminToken}` });

/** A member company with a program, through the CLI and the dashboard plane. */
async function newMember() {
  const { client_id, secret } = json(await network('client', 'create', '--name', 'Import Co'));
  const program = await post('/dashboard/program/create', { name: 'Onboarding', client_id, secret, dashboard_user_id: 'operator' }, {});
  return { client_id, secret, program_id: program.id as string };
}

/** The user a generated CSV line describes, as the import sends it. */
function userOfLine(line: string) {
  const [, given_name, family_name, date_of_birth, email_address, phone_number, street, , city, region, postal_code, country, , , ip_address] = line.split(',');
  return { name: { given_name, family_name }, date_of_birth, email_address, phone_number, address: { street, city, region, postal_code, country }, ip_address };
}

const countOf = async (programId: string) => (await asAdmin('/admin/program/metrics', { program_id: programId })).beacon_users;
const reportOf = (file: string) => parse(readFileSync(`${file}.refusals.csv`, 'utf8'), { columns: true }) as Record<string, string>[];

describe('every command explains itself', () => {
  it('--help on the CLI and on each command', async () => {
    const top = await network('--help');
    expect(top.code).toBe(0);
    for (const command of ['client', 'program', 'webhook-key', 'dead-letter', 'shard', 'import']) expect(top.stdout).toContain(command);
    expect(top.stdout).toContain('BEACON_ADMIN_TOKEN');

    const commands = [
      ['client', 'create'],
      ['client', 'list'],
      ['client', 'get'],
      ['client', 'update'],
      ['client', 'disable'],
      ['client', 'enable'],
      ['client', 'rotate-secret'],
      ['program', 'get'],
      ['program', 'metrics'],
      ['webhook-key', 'rotate'],
      ['dead-letter', 'list'],
      ['dead-letter', 'retry'],
      ['shard', 'list'],
      ['import'],
    ];
    const runs = await Promise.all(commands.map((command) => network(...command, '--help')));
    runs.forEach((run, i) => {
      expect(run.code, commands[i]!.join(' ')).toBe(0);
      expect(run.stdout).toContain(`Usage: network ${commands[i]!.join(' ')}`);
    });
    expect(runs.at(-1)!.stdout).toContain(HEADER);
  }, 120_000);
});

describe('admin commands', () => {
  it('clients: create, get, list, update, disable, enable, rotate the secret', async () => {
    const created = json(await network('client', 'create', '--name', 'Acme Lending'));
    expect(created).toMatchObject({ client_id: expect.stringMatching(/^[0-9a-f]{24}$/), secret: expect.stringMatching(/^[0-9a-f]{30}$/) });
    expect(json(await network('client', 'get', created.client_id))).toMatchObject({ name: 'Acme Lending', disabled: false });
    const listed = json(await network('client', 'list', '--all'));
    expect(listed.clients.map((c: { client_id: string }) => c.client_id)).toContain(created.client_id);
    expect(listed.next_cursor).toBeNull();
    expect(json(await network('client', 'update', created.client_id, '--name', 'Acme Bank'))).toMatchObject({ name: 'Acme Bank' });
    expect(json(await network('client', 'disable', created.client_id))).toMatchObject({ disabled: true });
    expect(json(await network('client', 'enable', created.client_id))).toMatchObject({ disabled: false });
    const rotated = json(await network('client', 'rotate-secret', created.client_id));
    expect(rotated.secret).not.toBe(created.secret);
    // The new secret works on the API plane.
    await post('/dashboard/program/list', { client_id: created.client_id, secret: rotated.secret, dashboard_user_id: 'op' }, {});
  }, 120_000);

  it('programs, webhook keys, dead letters and shards', async () => {
    const member = await newMember();
    expect(json(await network('program', 'get', member.program_id))).toMatchObject({ id: member.program_id, client_id: member.client_id, shard: expect.any(Number) });
    expect(json(await network('program', 'metrics', member.program_id)).beacon_users).toEqual({ total: 0, rejected: 0, pending_review: 0, cleared: 0 });
    expect(json(await network('webhook-key', 'rotate')).key_id).toMatch(/^[0-9a-f-]{36}$/);
    expect(json(await network('dead-letter', 'list')).dead_letters).toEqual(expect.any(Array));
    expect(json(await network('shard', 'list')).user_shards).toHaveLength(2);
  }, 120_000);

  it('says what the deployment refused, and what is missing from the environment', async () => {
    const unknown = await network('client', 'get', '000000000000000000000000');
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('INVALID_FIELD: client_id not found');
    const badToken = await start(['shard', 'list'], { BEACON_ADMIN_TOKEN: 'not-the-token' }).done;
    expect(badToken.code).toBe(1);
    expect(badToken.stderr).toContain('INVALID_API_KEYS');
    const noUrl = await start(['shard', 'list'], { BEACON_URL: undefined }).done;
    expect(noUrl.code).toBe(2);
    expect(noUrl.stderr).toContain('BEACON_URL is not set');
  }, 60_000);
});

describe('import', () => {
  const ROWS = 20_000;
  let file: string;
  beforeAll(async () => {
    file = join(dir, 'members.csv');
    await writePeopleCsv(file, ROWS, { seed: 42, prefix: 'member' });
  });

  it(`imports ${ROWS.toLocaleString('en')} rows, killed part-way and resumed, every row exactly once`, async () => {
    const member = await newMember();
    const first = start(['import', member.program_id, file, '--progress-every', '1']);
    const checkpoint = () => (existsSync(`${file}.checkpoint.json`) ? JSON.parse(readFileSync(`${file}.checkpoint.json`, 'utf8')) : null);
    // A real interruption: SIGKILL once a third of the file is acknowledged.
    let exited = false;
    void first.done.then(() => (exited = true));
    while (!exited && (checkpoint()?.rows_done ?? 0) < ROWS / 3) await new Promise((r) => setTimeout(r, 100));
    first.child.kill('SIGKILL');
    const killed = await first.done;
    expect(killed.signal, killed.stderr).toBe('SIGKILL');
    const atKill = checkpoint();
    expect(atKill.rows_done).toBeGreaterThanOrEqual(ROWS / 3);
    expect(atKill.rows_done).toBeLessThan(ROWS);
    expect(atKill.complete).toBe(false);
    expect(killed.stderr).toMatch(/users\/s, ETA/); // plain progress lines without a terminal

    const second = await network('import', member.program_id, file, '--progress-every', '5');
    expect(second.stderr).toContain(`Resuming after row ${atKill.rows_done.toLocaleString('en')}`);
    const summary = json(second);
    expect(summary).toMatchObject({ complete: true, rows: ROWS, imported: ROWS, refused: 0 });
    expect(summary.this_run.rows).toBe(ROWS - atKill.rows_done);
    expect(reportOf(file)).toEqual([]);

    // Through the API: the program holds one user per row, no more, none missing…
    expect(await countOf(member.program_id)).toMatchObject({ total: ROWS });
    // …and the rows around the kill, some sent twice, were each written once: a create with
    // the same data finds the imported user, still at version 1.
    const lines = readFileSync(file, 'utf8').split('\n');
    const credentials = { 'PLAID-CLIENT-ID': member.client_id, 'PLAID-SECRET': member.secret };
    for (let row = atKill.rows_done - 50; row < atKill.rows_done + 1_000; row += 50) {
      const line = lines[row + 1]!; // after the header
      const user = await post('/beacon/user/create', { program_id: member.program_id, client_user_id: line.split(',')[0], user: userOfLine(line) }, credentials);
      expect(user, line).toMatchObject({ version: 1, audit_trail: { source: 'bulk_import' } });
    }

    // Run again: done already, nothing is sent.
    const again = await network('import', member.program_id, file);
    expect(again.stderr).toContain('was imported completely already');
    expect(json(again).this_run.rows).toBe(0);
  }, 900_000);

  it('reports each refused row — refused here or by the deployment — and imports the others', async () => {
    const member = await newMember();
    const rand = random(7);
    const good = (i: number) => personLine(rand, 'ok', i);
    const _taken = good(0).split(',');
    // A user the member already has, under a client_user_id the file gives to someone else.
    await post(
      '/beacon/user/create',
      { program_id: member.program_id, client_user_id: 'taken', user: userOfLine(good(1000)) },
      { 'PLAID-CLIENT-ID': member.client_id, 'PLAID-SECRET': member.secret },
    );
    const cells = (line: string, changes: Record<number, string>) =>
      line
        .split(',')
        .map((cell, i) => changes[i] ?? cell)
        .join(',');
    const bad: [string, { client_user_id: string; field: string; reason: RegExp }[]][] = [
      [cells(good(1), { 0: 'bad-date', 3: '1990-02-31' }), [{ client_user_id: 'bad-date', field: 'user.date_of_birth', reason: /real calendar date/ }]],
      [cells(good(2), { 0: 'bad-email', 4: 'not-an-email' }), [{ client_user_id: 'bad-email', field: 'user.email_address', reason: /valid email/ }]],
      [cells(good(3), { 0: 'no-family', 2: ' ' }), [{ client_user_id: 'no-family', field: 'user.name.family_name', reason: /non-whitespace/ }]],
      [cells(good(4), { 0: 'bad-country', 9: '', 11: 'XX' }), [{ client_user_id: 'bad-country', field: 'user.address.country', reason: /ISO 3166-1/ }]],
      [cells(good(5), { 0: 'an@email.com' }), [{ client_user_id: 'an@email.com', field: 'client_user_id', reason: /must not be an email/ }]],
      [cells(good(6), { 0: 'bad-accounts', 15: '021000021' }), [{ client_user_id: 'bad-accounts', field: 'accounts', reason: /routing:account/ }]],
      [`${good(7)},extra-cell`, [{ client_user_id: '', field: '(row)', reason: /not a CSV record/ }]],
      [cells(good(8), { 0: 'taken' }), [{ client_user_id: 'taken', field: '(row)', reason: /INVALID_FIELD: .*already exists/ }]],
    ];
    // 250 good rows with the bad ones among them, across three requests.
    const lines = Array.from({ length: 250 }, (_, i) => good(100 + i));
    const at = [3, 40, 99, 100, 150, 151, 200, 249];
    bad.forEach(([line], i) => lines.splice(at[i]!, 0, line));
    const expected = bad.flatMap(([line, refusals]) => refusals.map((r) => ({ row: String(lines.indexOf(line) + 2), ...r })));

    const checkReport = (path: string) => {
      const report = reportOf(path);
      expect(report.map(({ row, client_user_id, field }) => ({ row, client_user_id, field }))).toEqual(
        expected.map(({ row, client_user_id, field }) => ({ row, client_user_id, field })),
      );
      report.forEach((refusal, i) => expect(refusal.reason).toMatch(expected[i]!.reason));
    };

    const checked = join(dir, 'with-bad-rows.csv');
    writeFileSync(checked, `${HEADER}\n${lines.join('\n')}\n`);
    const summary = json(await network('import', member.program_id, checked));
    expect(summary).toMatchObject({ complete: true, rows: 258, imported: 250, refused: 8 });
    checkReport(checked);
    expect(await countOf(member.program_id)).toMatchObject({ total: 251 }); // and "taken"

    // Without local checks the deployment refuses the same rows for the same reasons (the
    // request is sent again without them), and the users already imported come back unchanged.
    const unchecked = join(dir, 'with-bad-rows-unchecked.csv');
    writeFileSync(unchecked, readFileSync(checked));
    expect(json(await network('import', member.program_id, unchecked, '--no-local-checks'))).toMatchObject({ complete: true, rows: 258, imported: 250, refused: 8 });
    checkReport(unchecked);
    expect(await countOf(member.program_id)).toMatchObject({ total: 251 });
  }, 300_000);

  it('reads JSONL: one {client_user_id, user} a line, each refused line reported by its number', async () => {
    const member = await newMember();
    const rand = random(9);
    const entry = (i: number) => JSON.stringify({ client_user_id: `jsonl-${i}`, user: userOfLine(personLine(rand, 'x', i)) });
    const file = join(dir, 'members.jsonl');
    writeFileSync(
      file,
      [
        entry(1),
        '{"client_user_id": "broken",',
        '',
        entry(2),
        JSON.stringify({ client_user_id: 'nick', user: { ...userOfLine(personLine(rand, 'x', 3)), nickname: 'Les' } }),
        entry(4),
      ].join('\n'),
    );
    expect(json(await network('import', member.program_id, file))).toMatchObject({ complete: true, rows: 5, imported: 3, refused: 2 });
    expect(reportOf(file)).toEqual([
      { row: '2', client_user_id: '', field: '(row)', reason: expect.stringMatching(/^not JSON/) },
      { row: '5', client_user_id: 'nick', field: 'user.nickname', reason: 'not a field of the import' },
    ]);
  }, 60_000);

  it('refuses a file whose header has unknown or missing columns, before sending anything', async () => {
    const member = await newMember();
    const file = join(dir, 'wrong-header.csv');
    writeFileSync(file, 'client_user_id,first_name,family_name\nx,Ann,Perkins\n');
    const run = await network('import', member.program_id, file);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('unknown column(s): first_name; missing column(s): given_name');
    expect(await countOf(member.program_id)).toMatchObject({ total: 0 });
  }, 60_000);
});
