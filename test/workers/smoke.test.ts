import { describe, expect, it } from 'vitest';
import { api, leslie, newBeaconUser, newClient, newProgram } from './support/api';

describe('smoke', () => {
  it('creates and gets a beacon user', async () => {
    const client = await newClient();
    const program = await newProgram(client);
    const user = await newBeaconUser(client, program, leslie());
    expect(user.version).toBe(1);
    const got = await api(client, '/beacon/user/get', { beacon_user_id: user.id });
    expect(got.body).toMatchObject({ id: user.id, status: 'cleared' });
  });
});
