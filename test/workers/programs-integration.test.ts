import { describe, expect, it } from 'vitest';
import { DEFAULT_DUPLICATE_RULES } from '../../src/matching/settings';
import { DEFAULT_DUPLICATE_THRESHOLD } from '../../src/matching/weights';
import { dashboard, expectError, newClient, newProgram } from './support/api';

describe('/dashboard/program/*', () => {
  it('creates a program with every setting defaulted', async () => {
    const client = await newClient();
    const created = await dashboard(client, '/dashboard/program/create', { name: 'Onboarding' });
    expect(created.status).toBe(200);
    expect(created.body).toEqual({
      id: expect.stringMatching(/^becprg_[0-9A-Za-z]{14}$/),
      name: 'Onboarding',
      settings: {
        duplicate_rules: DEFAULT_DUPLICATE_RULES,
        duplicates_to_pending_review: true,
        flag_network_fraud: true,
        duplicate_decision: 'rules',
        duplicate_weight_threshold: DEFAULT_DUPLICATE_THRESHOLD,
      },
      created_at: expect.stringMatching(/Z$/),
      updated_at: expect.stringMatching(/Z$/),
      request_id: expect.any(String),
    });
  });

  it('keeps given settings and fills in the rest', async () => {
    const client = await newClient();
    const rules = [{ email_address: 'match' }, { name: 'partial_match', date_of_birth: 'match' }];
    const created = await dashboard(client, '/dashboard/program/create', {
      name: 'Strict',
      settings: { duplicate_rules: rules, flag_network_fraud: false },
    });
    expect(created.body.settings).toEqual({
      duplicate_rules: rules,
      duplicates_to_pending_review: true,
      flag_network_fraud: false,
      duplicate_decision: 'rules',
      duplicate_weight_threshold: DEFAULT_DUPLICATE_THRESHOLD,
    });
  });

  it('updates the name and individual settings, keeping the others', async () => {
    const client = await newClient();
    const id = await newProgram(client);
    const updated = await dashboard(client, '/dashboard/program/update', { program_id: id, settings: { duplicates_to_pending_review: false } });
    expect(updated.body).toMatchObject({ id, name: 'Onboarding', settings: { duplicates_to_pending_review: false, flag_network_fraud: true } });
    expect(updated.body.settings.duplicate_rules).toEqual(DEFAULT_DUPLICATE_RULES);
    const renamed = await dashboard(client, '/dashboard/program/update', { program_id: id, name: 'Renamed' });
    expect(renamed.body).toMatchObject({ name: 'Renamed', settings: { duplicates_to_pending_review: false } });
    expect((await dashboard(client, '/dashboard/program/get', { program_id: id })).body.name).toBe('Renamed');
  });

  it('validates settings', async () => {
    const client = await newClient();
    const cases: [unknown, RegExp, string][] = [
      [{ duplicate_rules: [{ shoe_size: 'match' }] }, /shoe_size/, 'UNKNOWN_FIELDS'],
      [{ duplicate_rules: [{ name: 'no_match' }] }, /settings\.duplicate_rules\.0\.name/, 'INVALID_FIELD'],
      [{ duplicate_rules: [{}] }, /at least one field/, 'INVALID_FIELD'],
      [{ duplicate_rules: 'all' }, /settings\.duplicate_rules/, 'INVALID_FIELD'],
      [{ flag_network_fraud: 'yes' }, /settings\.flag_network_fraud/, 'INVALID_FIELD'],
      [{ duplicate_decision: 'vibes' }, /settings\.duplicate_decision/, 'INVALID_FIELD'],
      [{ duplicate_weight_threshold: 1000 }, /settings\.duplicate_weight_threshold/, 'INVALID_FIELD'],
      [{ autopilot: true }, /settings\.autopilot/, 'UNKNOWN_FIELDS'],
    ];
    for (const [settings, message, code] of cases) {
      expectError(await dashboard(client, '/dashboard/program/create', { name: 'Bad', settings }), 400, 'INVALID_REQUEST', code, message);
    }
  });

  it('lists only the caller’s programs, in creation order, a page at a time', async () => {
    const [a, b] = [await newClient(), await newClient()];
    const mine = [];
    for (let i = 0; i < 26; i++) mine.push(await newProgram(a));
    await newProgram(b);
    const first = await dashboard(a, '/dashboard/program/list', {});
    expect(first.body.programs).toHaveLength(25);
    const second = await dashboard(a, '/dashboard/program/list', { cursor: first.body.next_cursor });
    expect(second.body.next_cursor).toBeNull();
    expect([...first.body.programs, ...second.body.programs].map((p: { id: string }) => p.id)).toEqual(mine);
    // A cursor is bound to its client's list.
    expectError(await dashboard(b, '/dashboard/program/list', { cursor: first.body.next_cursor }), 400, 'INVALID_REQUEST', 'INVALID_FIELD', /cursor is invalid/);
  });

  it('answers another client’s program exactly like an unknown one', async () => {
    const [a, b] = [await newClient(), await newClient()];
    const id = await newProgram(a);
    const foreign = await dashboard(b, '/dashboard/program/get', { program_id: id });
    const unknown = await dashboard(b, '/dashboard/program/get', { program_id: 'becprg_00000000000000' });
    expectError(foreign, 400, 'INVALID_REQUEST', 'INVALID_FIELD', /^program_id not found$/);
    expect({ ...foreign.body, request_id: '' }).toEqual({ ...unknown.body, request_id: '' });
    expectError(await dashboard(b, '/dashboard/program/update', { program_id: id, name: 'Mine now' }), 400, 'INVALID_REQUEST', 'INVALID_FIELD', /^program_id not found$/);
    expect((await dashboard(a, '/dashboard/program/get', { program_id: id })).body.name).toBe('Onboarding');
  });
});
