/** Analyst accounts (docs/product.md §8): each of one member company, with a role and a status
 * (the spec's DashboardUserStatus). The operator creates a member's first admin; admins
 * invite the others. Either way the account starts `invited`, with a one-time setup link
 * (shown once, stored only as a digest, expiring) where its person chooses a password and
 * enrols an authenticator; it is then `active` until an admin deactivates it. The email is
 * sealed like identity data, with a keyed digest to find it at sign-in. */
import { and, asc, eq, gt, inArray, isNull } from 'drizzle-orm';
import { control, isUniqueViolation, type Storage } from '../../db';
import { errors } from '../../errors';
import { credentialDigest, keyedDigest, keyedDigests, openJson, sealedKid, sealJson } from '../../lib/crypto';
import { listPage, PAGE_SIZE } from '../../lib/cursor';
import { newDashboardUserId, newSecretToken } from '../../lib/ids';
import { nowTimestamp, timestampAt } from '../../lib/time';
import type { Secrets } from '../../secrets';
import type { DashboardUserRole } from '../../vocabulary';
import { getClient } from '../clients';
import { assertPasswordAcceptable, hashPassword } from './passwords';
import { acceptTotp, newTotpSecret } from './totp';

const { dashboardUsers, dashboardUserInvitations, consoleSessions } = control;

export type DashboardUser = typeof dashboardUsers.$inferSelect;

/** How long a setup link works. */
export const INVITATION_HOURS = 72;

const sealContext = (dashboardUserId: string) => `dashboard_user:${dashboardUserId}`;
const totpContext = (dashboardUserId: string) => `dashboard_user_totp:${dashboardUserId}`;

/** Addresses compare without case or surrounding spaces. What is stored: the digest under
 * the current HMAC key. */
export const emailDigest = (secrets: Secrets, email: string) => keyedDigest(secrets.hmacKey, 'analyst-email', normaliseEmail(email));

/** What a stored address digest may be, while a key rotation moves rows to the current key. */
export const emailDigests = (secrets: Secrets, email: string) => keyedDigests(secrets.hmacKey, 'analyst-email', normaliseEmail(email));

const normaliseEmail = (email: string) => email.trim().toLowerCase();

export const openEmail = (secrets: Secrets, account: Pick<DashboardUser, 'id' | 'email'>) => openJson<string>(secrets.piiKey, account.email, sealContext(account.id));
export const openTotpSecret = (secrets: Secrets, account: Pick<DashboardUser, 'id'>, sealed: string) => openJson<string>(secrets.piiKey, sealed, totpContext(account.id));

/** The spec's `DashboardUser`. */
export async function dashboardUserView(secrets: Secrets, account: DashboardUser) {
  return { id: account.id, created_at: account.createdAt, email_address: await openEmail(secrets, account), status: account.status };
}

/** Where a setup link leads: the console's page for it. */
export const setupUrl = (origin: string, token: string) => `${origin}/console/setup/${token}`;

/** A one-time setup link: its token (for the URL, shown once) and when it stops working. */
export interface Invitation {
  token: string;
  expiresAt: string;
}

/** The statements that give an account a new setup link, replacing any earlier one. */
async function invitationStatements(storage: Storage, secrets: Secrets, dashboardUserId: string) {
  const token = newSecretToken();
  const now = Date.now();
  const invitation: Invitation = { token, expiresAt: timestampAt(now + INVITATION_HOURS * 3_600_000) };
  const statements = [
    storage.control.delete(dashboardUserInvitations).where(eq(dashboardUserInvitations.dashboardUserId, dashboardUserId)),
    storage.control.insert(dashboardUserInvitations).values({
      tokenDigest: await credentialDigest(token),
      dashboardUserId,
      totpSecret: await sealJson(secrets.piiKey, newTotpSecret(), totpContext(dashboardUserId)),
      createdAt: timestampAt(now),
      expiresAt: invitation.expiresAt,
    }),
  ] as const;
  return { invitation, statements };
}

const duplicateEmail = () => errors.refused('email_address already has an analyst account in this member company');

export interface NewDashboardUser {
  clientId: string;
  email: string;
  role: DashboardUserRole;
  /** The admin who invites; null for the operator. */
  invitedBy: string | null;
}

/** A new `invited` account and its setup link. */
export async function createDashboardUser(storage: Storage, secrets: Secrets, input: NewDashboardUser): Promise<{ account: DashboardUser; invitation: Invitation }> {
  await getClient(storage, input.clientId);
  const id = newDashboardUserId();
  const now = nowTimestamp();
  const account: DashboardUser = {
    seq: 0,
    id,
    clientId: input.clientId,
    email: await sealJson(secrets.piiKey, input.email.trim(), sealContext(id)),
    emailDigest: await emailDigest(secrets, input.email),
    role: input.role,
    status: 'invited',
    passwordHash: null,
    totpSecret: null,
    totpLastStep: null,
    invitedBy: input.invitedBy,
    createdAt: now,
    updatedAt: now,
  };
  const { seq: _, ...values } = account;
  // The unique index sees the current key's digest; during a key rotation an account may
  // still carry the previous key's.
  const [taken] = await storage.control
    .select({ id: dashboardUsers.id })
    .from(dashboardUsers)
    .where(and(eq(dashboardUsers.clientId, input.clientId), inArray(dashboardUsers.emailDigest, await emailDigests(secrets, input.email))))
    .limit(1)
    .all();
  if (taken) throw duplicateEmail();
  const { invitation, statements } = await invitationStatements(storage, secrets, id);
  try {
    const [inserted] = await storage.control.batch([storage.control.insert(dashboardUsers).values(values).returning(), ...statements]);
    return { account: inserted[0]!, invitation };
  } catch (error) {
    if (isUniqueViolation(error)) throw duplicateEmail();
    throw error;
  }
}

/** A member's account; another member's is "not found", like an unknown id. */
export async function getDashboardUser(storage: Storage, clientId: string, dashboardUserId: string): Promise<DashboardUser> {
  const [account] = await storage.control.select().from(dashboardUsers).where(eq(dashboardUsers.id, dashboardUserId)).all();
  if (!account || account.clientId !== clientId) throw errors.notFound('dashboard_user_id');
  return account;
}

/** A member's accounts by id, for showing who did what (unknown ids are left out). */
export async function dashboardUsersById(storage: Storage, secrets: Secrets, clientId: string, ids: string[]): Promise<Map<string, string>> {
  const wanted = [...new Set(ids)].filter((id) => /^[0-9a-f]{24}$/.test(id)).slice(0, 100);
  if (!wanted.length) return new Map();
  const rows = await storage.control
    .select()
    .from(dashboardUsers)
    .where(and(eq(dashboardUsers.clientId, clientId), inArray(dashboardUsers.id, wanted)))
    .all();
  return new Map(await Promise.all(rows.map(async (row) => [row.id, await openEmail(secrets, row)] as const)));
}

/** A member's accounts, in the order they were created, a page at a time. */
export async function listDashboardUsers(storage: Storage, secrets: Secrets, clientId: string, cursor: string | null | undefined) {
  return listPage(
    secrets.hmacKey,
    `dashboard-users:${clientId}`,
    cursor,
    (after) =>
      storage.control
        .select()
        .from(dashboardUsers)
        .where(and(eq(dashboardUsers.clientId, clientId), gt(dashboardUsers.seq, after ?? 0)))
        .orderBy(asc(dashboardUsers.seq))
        .limit(PAGE_SIZE + 1)
        .all(),
    (account) => account.seq,
  );
}

/** An admin acts on another account of the member: never on their own (so a member always
 * keeps the admin who acts). */
async function otherAccount(storage: Storage, clientId: string, actorId: string, dashboardUserId: string): Promise<DashboardUser> {
  const account = await getDashboardUser(storage, clientId, dashboardUserId);
  if (account.id === actorId) throw errors.refused('you cannot change your own role or status; ask another admin');
  return account;
}

export async function changeRole(storage: Storage, clientId: string, actorId: string, dashboardUserId: string, role: DashboardUserRole): Promise<DashboardUser> {
  const account = await otherAccount(storage, clientId, actorId, dashboardUserId);
  const [updated] = await storage.control.update(dashboardUsers).set({ role, updatedAt: nowTimestamp() }).where(eq(dashboardUsers.id, account.id)).returning();
  return updated!;
}

/** Deactivating ends the account's sessions and setup link at once. */
export async function deactivateDashboardUser(storage: Storage, clientId: string, actorId: string, dashboardUserId: string): Promise<DashboardUser> {
  const account = await otherAccount(storage, clientId, actorId, dashboardUserId);
  const [[updated]] = await storage.control.batch([
    storage.control.update(dashboardUsers).set({ status: 'deactivated', updatedAt: nowTimestamp() }).where(eq(dashboardUsers.id, account.id)).returning(),
    storage.control.delete(consoleSessions).where(eq(consoleSessions.dashboardUserId, account.id)),
    storage.control.delete(dashboardUserInvitations).where(eq(dashboardUserInvitations.dashboardUserId, account.id)),
  ]);
  return updated!;
}

/** A deactivated account comes back as it was: active if it was set up, else invited (with
 * a new setup link). */
export async function reactivateDashboardUser(storage: Storage, secrets: Secrets, clientId: string, actorId: string, dashboardUserId: string) {
  const account = await otherAccount(storage, clientId, actorId, dashboardUserId);
  if (account.status !== 'deactivated') throw errors.refused('only a deactivated account can be reactivated');
  if (account.passwordHash) {
    const [updated] = await storage.control.update(dashboardUsers).set({ status: 'active', updatedAt: nowTimestamp() }).where(eq(dashboardUsers.id, account.id)).returning();
    return { account: updated!, invitation: null };
  }
  const { invitation, statements } = await invitationStatements(storage, secrets, account.id);
  const [[updated]] = await storage.control.batch([
    storage.control.update(dashboardUsers).set({ status: 'invited', updatedAt: nowTimestamp() }).where(eq(dashboardUsers.id, account.id)).returning(),
    ...statements,
  ]);
  return { account: updated!, invitation };
}

/** A new setup link (the old one stops working). For an account already set up, this resets
 * its sign-in — a lost authenticator or password: its password and authenticator are
 * forgotten, its sessions end, and it is `invited` until its person uses the link. */
export async function reissueInvitation(storage: Storage, secrets: Secrets, clientId: string, actorId: string, dashboardUserId: string) {
  const account = await otherAccount(storage, clientId, actorId, dashboardUserId);
  if (account.status === 'deactivated') throw errors.refused('a deactivated account gets no setup link; reactivate it first');
  const { invitation, statements } = await invitationStatements(storage, secrets, account.id);
  const [[updated]] = await storage.control.batch([
    storage.control
      .update(dashboardUsers)
      .set({ status: 'invited', passwordHash: null, totpSecret: null, totpLastStep: null, updatedAt: nowTimestamp() })
      .where(eq(dashboardUsers.id, account.id))
      .returning(),
    storage.control.delete(consoleSessions).where(eq(consoleSessions.dashboardUserId, account.id)),
    ...statements,
  ]);
  return { account: updated!, invitation };
}

/** What the setup page shows: the account, its email and the authenticator secret to enrol. */
export interface OpenInvitation {
  account: DashboardUser;
  email: string;
  totpSecret: string;
  tokenDigest: string;
}

/** The invitation a setup link names, if it is still good (unused, unexpired, its account
 * still invited). */
export async function openInvitation(storage: Storage, secrets: Secrets, token: string): Promise<OpenInvitation | null> {
  const tokenDigest = await credentialDigest(token);
  const [row] = await storage.control
    .select({ invitation: dashboardUserInvitations, account: dashboardUsers })
    .from(dashboardUserInvitations)
    .innerJoin(dashboardUsers, eq(dashboardUsers.id, dashboardUserInvitations.dashboardUserId))
    .where(eq(dashboardUserInvitations.tokenDigest, tokenDigest))
    .all();
  if (!row || row.invitation.expiresAt <= nowTimestamp() || row.account.status !== 'invited') return null;
  return {
    account: row.account,
    email: await openEmail(secrets, row.account),
    totpSecret: await openTotpSecret(secrets, row.account, row.invitation.totpSecret),
    tokenDigest,
  };
}

/** Sets an invited account up: its password and its authenticator (proved by a code). The
 * link is used up. Returns the account, now active. */
export async function acceptInvitation(storage: Storage, secrets: Secrets, invitation: OpenInvitation, input: { password: string; code: string }): Promise<DashboardUser> {
  assertPasswordAcceptable(input.password);
  const step = acceptTotp(invitation.totpSecret, input.code, null);
  if (step === null) throw errors.invalidField('the authenticator code is wrong: enter the 6 digits your authenticator app shows now');
  const { account } = invitation;
  const [[updated]] = await storage.control.batch([
    storage.control
      .update(dashboardUsers)
      .set({
        passwordHash: await hashPassword(input.password),
        totpSecret: await sealJson(secrets.piiKey, invitation.totpSecret, totpContext(account.id)),
        totpLastStep: step,
        status: 'active',
        updatedAt: nowTimestamp(),
      })
      .where(and(eq(dashboardUsers.id, account.id), eq(dashboardUsers.status, 'invited')))
      .returning(),
    storage.control.delete(dashboardUserInvitations).where(eq(dashboardUserInvitations.dashboardUserId, account.id)),
  ]);
  if (!updated) throw errors.refused('this setup link has already been used');
  return updated;
}

/** Key rotation (domain/key-rotation.ts), the `analysts` target: the next `rows` accounts
 * after `after` (by `seq`), their email and authenticator secret sealed anew and the email's
 * digest made anew under the current keys, and their setup links' secrets sealed anew — each
 * row written only if unchanged since read (a concurrent change used the current keys). */
export async function rotateAnalystKeys(storage: Storage, secrets: Secrets, after: number | null, rows: number): Promise<{ next: number | null; changed: number }> {
  const page = await storage.control
    .select()
    .from(dashboardUsers)
    .where(gt(dashboardUsers.seq, after ?? 0))
    .orderBy(asc(dashboardUsers.seq))
    .limit(rows)
    .all();
  if (!page.length) return { next: null, changed: 0 };
  const links = await storage.control
    .select()
    .from(dashboardUserInvitations)
    .where(
      inArray(
        dashboardUserInvitations.dashboardUserId,
        page.map((a) => a.id),
      ),
    )
    .all();
  const stale = (sealed: string | null) => sealed !== null && sealedKid(sealed) !== secrets.piiKey.current.kid;
  const reseal = async (sealed: string, context: string) => sealJson(secrets.piiKey, await openJson(secrets.piiKey, sealed, context), context);
  const writes = [];
  for (const account of page) {
    const address = await openEmail(secrets, account);
    const digest = await emailDigest(secrets, address);
    if (!stale(account.email) && !stale(account.totpSecret) && digest === account.emailDigest) continue;
    const { email, totpSecret } = account;
    writes.push(
      storage.control
        .update(dashboardUsers)
        .set({
          email: await sealJson(secrets.piiKey, address, sealContext(account.id)),
          emailDigest: digest,
          totpSecret: totpSecret && (await reseal(totpSecret, totpContext(account.id))),
        })
        .where(
          and(
            eq(dashboardUsers.id, account.id),
            eq(dashboardUsers.email, email),
            totpSecret === null ? isNull(dashboardUsers.totpSecret) : eq(dashboardUsers.totpSecret, totpSecret),
          ),
        ),
    );
  }
  for (const link of links) {
    if (!stale(link.totpSecret)) continue;
    writes.push(
      storage.control
        .update(dashboardUserInvitations)
        .set({ totpSecret: await reseal(link.totpSecret, totpContext(link.dashboardUserId)) })
        .where(and(eq(dashboardUserInvitations.tokenDigest, link.tokenDigest), eq(dashboardUserInvitations.totpSecret, link.totpSecret))),
    );
  }
  const [first, ...rest] = writes;
  if (first) await storage.control.batch([first, ...rest]);
  return { next: page.at(-1)!.seq, changed: writes.length };
}
