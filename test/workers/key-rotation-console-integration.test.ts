import { env } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { Storage } from '../../src/db';
import { acceptInvitation, openInvitation } from '../../src/domain/analysts/accounts';
import { signIn } from '../../src/domain/analysts/sessions';
import { openNotes, selectNotes } from '../../src/domain/beacon-users/notes';
import { locateBeaconUser } from '../../src/domain/beacon-users/store';
import { runRotationStep, startRotation, type RotationStep } from '../../src/domain/key-rotation';
import { ProgramGateway } from '../../src/durable/gateway';
import { loadSecrets, type Secrets } from '../../src/secrets';
import { ROTATED_TEST_KEYS } from '../secrets';
import { newBeaconUser, newProgram, stranger } from './support/api';
import { Browser, invite, newMemberWithAdmin, nextCode, PASSWORD, type Analyst } from './support/console';
import { inUserShards } from './support/storage';

// Key rotation reaches the console's sealed data: analysts' email addresses (and their sign-in
// digests), authenticator secrets, setup links' secrets and notes. The data is made through
// the Worker under the test keys; the rotation then runs with the rotated keys as current (the
// test keys as previous), and everything is used with the rotated keys alone. (The end-to-end
// test rotates a whole deployment; storage here is this file's own, so the rotation sees only
// what this test made.)

const rotating = () =>
  loadSecrets({
    ...env,
    ...ROTATED_TEST_KEYS,
    PII_ENCRYPTION_KEY_PREVIOUS: env.PII_ENCRYPTION_KEY,
    HMAC_KEY_PREVIOUS: env.HMAC_KEY,
    WEBHOOK_SEALING_KEY_PREVIOUS: env.WEBHOOK_SEALING_KEY,
  });
const rotated = () => loadSecrets({ ...env, ...ROTATED_TEST_KEYS });

async function signInWith(storage: Storage, secrets: Secrets, analyst: Analyst) {
  const { code, step } = await nextCode(analyst.secret, analyst.lastStep);
  const result = await signIn(storage, secrets, { email: analyst.email, password: analyst.password, code, address: null });
  if (result.ok) analyst.lastStep = step;
  return result;
}

/** Runs a target's steps to the end, as the maintenance queue does. */
async function runTarget(storage: Storage, secrets: Secrets, first: RotationStep): Promise<void> {
  let step: RotationStep | null = first;
  while (step) step = await runRotationStep(storage, secrets, new ProgramGateway(env, storage), step);
}

const consoleTarget = (target: string) => target === 'analysts' || target.startsWith('notes:');

describe('key rotation of the console’s data', () => {
  it('seals accounts, authenticator and setup-link secrets and notes anew, and makes email digests anew', async () => {
    const storage = new Storage(env);
    // Under the test keys: two accounts set up, one invited, a note.
    const { client, admin: lead } = await newMemberWithAdmin();
    const analyst = await invite(lead, 'analyst');
    const invitedEmail = `viewer-${crypto.randomUUID().slice(0, 8)}@example.com`;
    await lead.browser.get('/console/analysts');
    const invitePage = await lead.browser.post('/console/analysts/invite', { email: invitedEmail, role: 'viewer' });
    const setupToken = /data-setup-url="[^"]*\/console\/setup\/([^"]+)"/.exec(invitePage.html)![1]!;
    const setupSecret = /data-secret="([A-Z2-7]+)"/.exec((await new Browser().get(`/console/setup/${setupToken}`)).html)![1]!;
    const user = await newBeaconUser(client, await newProgram(client), stranger());
    const note = `Called the applicant ${crypto.randomUUID()}`;
    await lead.browser.get(`/console/users/${user.id}`);
    expect((await lead.browser.post(`/console/users/${user.id}/notes`, { body: note })).status).toBe(303);

    // New keys, the old ones as previous: an address still finds its account before the rotation.
    expect(await signInWith(storage, await rotating(), lead)).toMatchObject({ ok: true, account: { id: lead.id } });

    const steps = await startRotation(storage, await rotating());
    const targets = steps.map((s) => s.target).filter(consoleTarget);
    expect(targets.sort()).toEqual(['analysts', ...storage.layout.userShards.map((n) => `notes:${n}`)].sort());
    for (const step of steps.filter((s) => consoleTarget(s.target))) await runTarget(storage, await rotating(), step);

    const progress = await env.CONTROL_DB.prepare("SELECT target, rows_changed, done_at FROM key_rotations WHERE target = 'analysts' OR target LIKE 'notes:%'").all<{
      target: string;
      rows_changed: number;
      done_at: string | null;
    }>();
    expect(progress.results.every((row) => row.done_at !== null)).toBe(true);
    // Three accounts and a setup link; one note.
    expect(progress.results.find((row) => row.target === 'analysts')!.rows_changed).toBe(4);
    expect(progress.results.filter((row) => row.target.startsWith('notes:')).reduce((total, row) => total + row.rows_changed, 0)).toBe(1);
    // Done targets are not started again.
    expect((await startRotation(storage, await rotating())).map((s) => s.target).filter(consoleTarget)).toEqual([]);

    const sealedUnder = (sealed: string | null) => (sealed === null ? 'none' : sealed.split('.')[0]);
    const accounts = await env.CONTROL_DB.prepare('SELECT email, totp_secret FROM dashboard_users').all<{ email: string; totp_secret: string | null }>();
    expect(accounts.results.map((a) => `${sealedUnder(a.email)} ${sealedUnder(a.totp_secret)}`).sort()).toEqual(['r2 none', 'r2 r2', 'r2 r2']);
    const links = await env.CONTROL_DB.prepare('SELECT totp_secret FROM dashboard_user_invitations').all<{ totp_secret: string }>();
    expect(links.results.map((l) => sealedUnder(l.totp_secret))).toEqual(['r2']);
    expect((await inUserShards<{ body: string }>('SELECT body FROM beacon_user_notes')).map((n) => sealedUnder(n.body))).toEqual(['r2']);

    // The previous keys gone: sign-in (address digest, authenticator), the setup link and the note.
    const secrets = await rotated();
    expect(await signInWith(storage, secrets, analyst)).toMatchObject({ ok: true, account: { id: analyst.id } });
    const invitation = await openInvitation(storage, secrets, setupToken);
    expect(invitation).toMatchObject({ email: invitedEmail, totpSecret: setupSecret });
    const { code } = await nextCode(setupSecret, -1);
    expect(await acceptInvitation(storage, secrets, invitation!, { password: PASSWORD, code })).toMatchObject({ status: 'active' });
    const { shard } = await locateBeaconUser(storage, client.client_id, user.id);
    const notes = await openNotes(secrets, await selectNotes(storage.userShard(shard), client.client_id, user.id).all());
    expect(notes.map((n) => n.body)).toEqual([note]);
  });
});
