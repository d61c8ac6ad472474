import { env } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { admin, api, expectError, newClient, newProgram, post, stranger } from './support/api';
import { inUserShards } from './support/storage';

describe('/admin/client/*', () => {
  it('creates a client whose secret is shown once and works at once', async () => {
    const created = await admin('/admin/client/create', { name: 'Acme Lending', webhook_url: 'https://hooks.acme.example.com/plaid' });
    expect(created.status).toBe(200);
    expect(Object.keys(created.body).sort()).toEqual(['client_id', 'request_id', 'secret']);
    expect(created.body.client_id).toMatch(/^[0-9a-f]{24}$/);
    expect(created.body.secret).toMatch(/^[0-9a-f]{30}$/);

    const got = await admin('/admin/client/get', { client_id: created.body.client_id });
    expect(got.body).toEqual({
      client_id: created.body.client_id,
      name: 'Acme Lending',
      webhook_url: 'https://hooks.acme.example.com/plaid',
      disabled: false,
      previous_secret_expires_at: null,
      home_shard: expect.any(Number),
      program_shard: got.body.home_shard,
      created_at: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/),
      updated_at: expect.stringMatching(/Z$/),
      request_id: expect.any(String),
    });
    expect(JSON.stringify(got.body)).not.toContain(created.body.secret);
  });

  it('updates name, webhook_url and disabled; null clears the webhook URL', async () => {
    const client = await newClient();
    const updated = await admin('/admin/client/update', { client_id: client.client_id, name: 'Renamed', webhook_url: 'https://example.com/hook' });
    expect(updated.body).toMatchObject({ name: 'Renamed', webhook_url: 'https://example.com/hook', disabled: false });
    const kept = await admin('/admin/client/update', { client_id: client.client_id, disabled: true });
    expect(kept.body).toMatchObject({ name: 'Renamed', webhook_url: 'https://example.com/hook', disabled: true });
    const cleared = await admin('/admin/client/update', { client_id: client.client_id, webhook_url: null });
    expect(cleared.body.webhook_url).toBeNull();
  });

  it('rotates a secret: the new one works, the old one stops at once', async () => {
    const client = await newClient();
    const rotated = await admin('/admin/client/secret/rotate', { client_id: client.client_id });
    expect(rotated.body.secret).toMatch(/^[0-9a-f]{30}$/);
    expect(rotated.body.secret).not.toBe(client.secret);
    expectError(await api(client, '/dashboard/program/list', { dashboard_user_id: 'a' }), 400, 'INVALID_INPUT', 'INVALID_API_KEYS');
    const fresh = await api({ ...client, secret: rotated.body.secret }, '/dashboard/program/list', { dashboard_user_id: 'a' });
    expect(fresh.status).toBe(200);
  });

  it('lists clients in creation order, a page at a time, with signed cursors', async () => {
    for (let i = 0; i < 27; i++) await newClient(`Lister ${i}`);
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const answer: { status: number; body: any } = await admin('/admin/client/list', cursor ? { cursor } : {});
      expect(answer.status).toBe(200);
      expect(answer.body.clients.length).toBeLessThanOrEqual(25);
      seen.push(...answer.body.clients.map((c: { client_id: string }) => c.client_id));
      cursor = answer.body.next_cursor;
      pages++;
    } while (cursor);
    expect(pages).toBeGreaterThanOrEqual(2);
    expect(new Set(seen).size).toBe(seen.length);
  });

  it('refuses a forged or mangled cursor', async () => {
    const forged = btoa('0').replace(/=+$/, '');
    expectError(await admin('/admin/client/list', { cursor: `${forged}.AAAAAAAAAAAAAAAAAAAAAA` }), 400, 'INVALID_REQUEST', 'INVALID_FIELD', /cursor is invalid/);
    expectError(await admin('/admin/client/list', { cursor: 'garbage' }), 400, 'INVALID_REQUEST', 'INVALID_FIELD', /cursor is invalid/);
  });

  it('answers unknown client ids with "not found"', async () => {
    for (const path of ['/admin/client/get', '/admin/client/update', '/admin/client/secret/rotate']) {
      expectError(await admin(path, { client_id: 'ffffffffffffffffffffffff' }), 400, 'INVALID_REQUEST', 'INVALID_FIELD', /^client_id not found$/);
    }
  });

  it('validates webhook URLs (https, no private targets; on sandbox, local receivers on the configured ports)', async () => {
    expect(env.ENVIRONMENT).toBe('sandbox');
    for (const url of ['http://example.com/hook', 'https://10.0.0.1/hook', 'http://[::1]/hook', 'https://169.254.169.254/latest', 'http://localhost:4000/hook', 'not a url']) {
      expectError(await admin('/admin/client/create', { name: 'X', webhook_url: url }), 400, 'INVALID_REQUEST', 'INVALID_FIELD', /webhook_url/);
    }
    for (const url of ['http://localhost:9000/hook', 'http://127.0.0.1:9099/hook']) {
      expect((await admin('/admin/client/create', { name: 'Local', webhook_url: url })).status).toBe(200);
    }
  });

  it('requires the operator token', async () => {
    expectError(await post('/admin/client/list', {}), 401, 'INVALID_INPUT', 'INVALID_API_KEYS');
    expectError(await post('/admin/client/list', {}, { authorization: 'Bearer wrong' }), 401, 'INVALID_INPUT', 'INVALID_API_KEYS');
    expectError(await post('/admin/client/list', {}, { authorization: env.ADMIN_TOKEN! }), 401, 'INVALID_INPUT', 'INVALID_API_KEYS');
  });

  it('validates its own fields', async () => {
    expectError(await admin('/admin/client/create', {}), 400, 'INVALID_REQUEST', 'MISSING_FIELDS', /name/);
    expectError(await admin('/admin/client/create', { name: '   ' }), 400, 'INVALID_REQUEST', 'INVALID_FIELD', /name: must contain a non-whitespace character/);
    expectError(await admin('/admin/client/create', { name: 'A', color: 'blue' }), 400, 'INVALID_REQUEST', 'UNKNOWN_FIELDS', /color/);
    expectError(await admin('/admin/client/update', { client_id: 'x', disabled: 'yes' }), 400, 'INVALID_REQUEST', 'INVALID_FIELD', /disabled/);
  });
});

describe('/admin/beacon_user/import', () => {
  it('imports users through the create path, each with its own outcome', async () => {
    const client = await newClient();
    const program = await newProgram(client);
    const person = stranger();
    await api(client, '/beacon/user/create', { program_id: program, client_user_id: 'existing', user: person });
    const answer = await admin('/admin/beacon_user/import', {
      program_id: program,
      users: [
        { client_user_id: 'imported-1', user: stranger() },
        { client_user_id: 'imported-2', user: { ...person, email_address: 'second.copy@example.com' } },
        { client_user_id: 'existing', user: stranger() },
      ],
    });
    expect(answer.status).toBe(200);
    expect(answer.body.beacon_users).toEqual([
      { client_user_id: 'imported-1', beacon_user_id: expect.stringMatching(/^becusr_/), version: 1, status: 'cleared' },
      // Checks run as for any create: this one duplicates the existing user.
      { client_user_id: 'imported-2', beacon_user_id: expect.stringMatching(/^becusr_/), version: 1, status: 'pending_review' },
      { client_user_id: 'existing', error: { error_code: 'INVALID_FIELD', error_message: expect.stringMatching(/already exists/) } },
    ]);
    const imported = await api(client, '/beacon/user/get', { beacon_user_id: answer.body.beacon_users[0].beacon_user_id });
    expect(imported.body.audit_trail).toEqual({ source: 'bulk_import', dashboard_user_id: null, timestamp: expect.any(String) });

    // The operator counts what the program holds: the user created before and the two imported.
    const { body } = await admin('/admin/program/metrics', { program_id: program });
    expect(body.beacon_users).toEqual({ total: 3, rejected: 0, pending_review: 1, cleared: 2 });
  });

  it('validates every user before importing any', async () => {
    const client = await newClient();
    const program = await newProgram(client);
    const answer = await admin('/admin/beacon_user/import', {
      program_id: program,
      users: [
        { client_user_id: 'ok', user: stranger() },
        { client_user_id: 'bad', user: { ...stranger(), date_of_birth: '1990-02-31' } },
      ],
    });
    expectError(answer, 400, 'INVALID_REQUEST', 'INVALID_FIELD', /^users\.1\.user\.date_of_birth/);
    const results = await inUserShards('SELECT id FROM beacon_users WHERE program_id = ?', program);
    expect(results).toEqual([]);
  });

  it('refuses an unknown program, an empty list, and callers without the operator token', async () => {
    const client = await newClient();
    expectError(
      await admin('/admin/beacon_user/import', { program_id: 'becprg_00000000000000', users: [{ client_user_id: 'x', user: stranger() }] }),
      400,
      'INVALID_REQUEST',
      'INVALID_FIELD',
      /^program_id not found$/,
    );
    expectError(await admin('/admin/beacon_user/import', { program_id: await newProgram(client), users: [] }), 400, 'INVALID_REQUEST', 'INVALID_FIELD', /at least one user/);
    expectError(await api(client, '/admin/beacon_user/import', { program_id: 'x', users: [] }), 401, 'INVALID_INPUT', 'INVALID_API_KEYS');
  });
});
