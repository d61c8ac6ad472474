import { describe, expect, it } from 'vitest';
import { admin, api, leslie, newBeaconUser, newClient, newProgram, stranger } from './support/api';
import { inUserShards } from './support/storage';

describe('writes to one program are serialised by its Durable Object', () => {
  it('50 concurrent updates of one user end with versions 1..51, no gap, no collision', async () => {
    const client = await newClient();
    const program = await newProgram(client);
    const user = await newBeaconUser(client, program);

    const answers = await Promise.all(
      Array.from({ length: 50 }, (_, i) => api(client, '/beacon/user/update', { beacon_user_id: user.id, user: { email_address: `leslie+${i}@example.com` } })),
    );
    expect(answers.every((a) => a.status === 200)).toBe(true);
    // Each call got its own version, and together they are exactly 2..51.
    expect(answers.map((a) => a.body.version).sort((x, y) => x - y)).toEqual(Array.from({ length: 50 }, (_, i) => i + 2));

    const results = await inUserShards<{ version: number }>('SELECT version FROM beacon_user_versions WHERE beacon_user_id = ? ORDER BY version', user.id);
    expect(results.map((r) => r.version)).toEqual(Array.from({ length: 51 }, (_, i) => i + 1));

    // The current state is the last version written, and it holds that version's data.
    const current = await api(client, '/beacon/user/get', { beacon_user_id: user.id });
    const last = answers.find((a) => a.body.version === 51)!;
    expect(current.body).toMatchObject({ version: 51, user: { email_address: last.body.user.email_address } });
  });

  it('20 concurrent creates of one person with one client_user_id yield one user', async () => {
    const client = await newClient();
    const program = await newProgram(client);
    const answers = await Promise.all(Array.from({ length: 20 }, () => api(client, '/beacon/user/create', { program_id: program, client_user_id: 'same-person', user: leslie() })));
    expect(answers.every((a) => a.status === 200)).toBe(true);
    expect(new Set(answers.map((a) => a.body.id)).size).toBe(1);
    expect(answers.every((a) => a.body.version === 1)).toBe(true);
    const results = await inUserShards('SELECT id FROM beacon_users WHERE program_id = ?', program);
    expect(results).toHaveLength(1);
  });

  it('concurrent reviews and updates interleave into one unbroken history', async () => {
    const client = await newClient();
    const program = await newProgram(client);
    const user = await newBeaconUser(client, program);
    await Promise.all([
      ...Array.from({ length: 10 }, (_, i) => api(client, '/beacon/user/update', { beacon_user_id: user.id, user: { ip_address: `192.0.2.${i + 1}` } })),
      ...Array.from({ length: 10 }, (_, i) => api(client, '/beacon/user/review', { beacon_user_id: user.id, status: i % 2 ? 'cleared' : 'pending_review' })),
    ]);
    const history = await api(client, '/beacon/user/history/list', { beacon_user_id: user.id });
    const versions: number[] = history.body.beacon_users.map((v: { version: number }) => v.version);
    expect(versions).toEqual(Array.from({ length: versions.length }, (_, i) => versions.length - i));
    expect(versions.length).toBeGreaterThan(10);
  });

  it('concurrent creates go as groups: each checked on its own, later ones seeing earlier ones, one refusal failing alone', async () => {
    const client = await newClient();
    const program = await newProgram(client);
    await newBeaconUser(client, program, leslie(), 'taken');
    const person = stranger();
    const answers = await Promise.all([
      ...Array.from({ length: 30 }, (_, i) => api(client, '/beacon/user/create', { program_id: program, client_user_id: `group-${i}`, user: i < 2 ? person : stranger() })),
      // Another person under a client_user_id that is already taken: refused, alone.
      api(client, '/beacon/user/create', { program_id: program, client_user_id: 'taken', user: stranger() }),
    ]);
    const refused = answers.pop()!;
    expect(refused.body.error_message).toMatch(/already exists in this program/);
    expect(answers.every((a) => a.status === 200)).toBe(true);
    // The two copies of one person, created together, found each other.
    expect([answers[0]!.body.status, answers[1]!.body.status].sort()).toEqual(['cleared', 'pending_review']);
    expect(answers.slice(2).every((a) => a.body.status === 'cleared')).toBe(true);
    // Together they cost fewer D1 round trips in the program's object than one create alone.
    const { metrics } = (await admin('/admin/program/metrics', { program_id: program })).body;
    expect(metrics.calls).toBe(32);
    expect(metrics.d1_round_trips_per_call).toBeLessThan(2);
  });
});
