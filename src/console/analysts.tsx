/** The member's analysts (docs/product.md §8), for admins: invite (a one-time setup link, shown
 * once), change roles, deactivate and reactivate. */
import type { Hono } from 'hono';
import {
  changeRole,
  createDashboardUser,
  deactivateDashboardUser,
  listDashboardUsers,
  openEmail,
  reactivateDashboardUser,
  reissueInvitation,
  setupUrl,
  type Invitation,
} from '../domain/analysts/accounts';
import { parseRequest } from '../http/validation';
import { InviteForm, RoleForm } from '../schemas/console';
import { DASHBOARD_USER_ROLES } from '../vocabulary';
import { Time } from './components';
import { act, allowedTo, type ConsoleContext, type ConsoleEnv } from './context';
import { Csrf } from './layout';
import { render } from './render';
import { ACCOUNT_STATUS_LABELS, ROLE_LABELS } from './words';

/** A setup link just made, shown on this answer only (it is stored as a digest). */
interface NewLink {
  email: string;
  invitation: Invitation;
}

async function analystsPage(c: ConsoleContext, link: NewLink | null = null) {
  const { account, csrfToken } = allowedTo(c, 'manage_analysts');
  const { items, next_cursor } = await listDashboardUsers(c.get('storage'), c.get('secrets'), account.clientId, c.req.query('cursor'));
  const rows = await Promise.all(items.map(async (a) => ({ account: a, email: await openEmail(c.get('secrets'), a) })));
  const origin = new URL(c.req.url).origin;
  return render(
    c,
    { title: 'Analysts', section: 'analysts' },
    <>
      {link && (
        <div class="link-box" role="status">
          <p>
            Send this setup link to <strong>{link.email}</strong> — it is shown only now, works once, and expires <Time at={link.invitation.expiresAt} />:
          </p>
          <p>
            <code class="secret" data-setup-url={setupUrl(origin, link.invitation.token)}>
              {setupUrl(origin, link.invitation.token)}
            </code>
          </p>
        </div>
      )}
      <h2>Invite an analyst</h2>
      <form method="post" action="/console/analysts/invite" class="filters">
        <Csrf token={csrfToken} />
        <label>
          Email address
          <input type="email" name="email" required maxlength={254} autocomplete="off" />
        </label>
        <label>
          Role
          <select name="role">
            {DASHBOARD_USER_ROLES.map((role) => (
              <option value={role} selected={role === 'analyst'}>
                {ROLE_LABELS[role]}
              </option>
            ))}
          </select>
        </label>
        <button type="submit">Invite</button>
      </form>
      <p class="help">
        Admins manage analysts, programs and webhooks; analysts work users (reviews, reports, notes); viewers read. Reset sign-in gives a person who lost their password or
        authenticator a new setup link, and ends their sessions.
      </p>
      <table>
        <caption>Your team</caption>
        <thead>
          <tr>
            <th scope="col">Email address</th>
            <th scope="col">Role</th>
            <th scope="col">Status</th>
            <th scope="col">Since</th>
            <th scope="col">Change</th>
          </tr>
        </thead>
        <tbody>
          {rows.map(({ account: a, email }) => (
            <tr>
              <th scope="row">
                {email} <code class="id">{a.id}</code>
              </th>
              <td>{ROLE_LABELS[a.role]}</td>
              <td>{ACCOUNT_STATUS_LABELS[a.status]}</td>
              <td>
                <Time at={a.createdAt} />
              </td>
              <td>
                {a.id === account.id ? (
                  <span class="help">You</span>
                ) : (
                  <div class="actions">
                    <form method="post" action={`/console/analysts/${a.id}/role`} class="action">
                      <Csrf token={csrfToken} />
                      <label>
                        <span class="visually-hidden">Role of {email}</span>
                        <select name="role">
                          {DASHBOARD_USER_ROLES.map((role) => (
                            <option value={role} selected={role === a.role}>
                              {ROLE_LABELS[role]}
                            </option>
                          ))}
                        </select>
                      </label>
                      <button type="submit">Change role</button>
                    </form>
                    {a.status === 'deactivated' ? (
                      <form method="post" action={`/console/analysts/${a.id}/reactivate`} class="action">
                        <Csrf token={csrfToken} />
                        <button type="submit">Reactivate</button>
                      </form>
                    ) : (
                      <form method="post" action={`/console/analysts/${a.id}/deactivate`} class="action">
                        <Csrf token={csrfToken} />
                        <button type="submit" class="danger">
                          Deactivate
                        </button>
                      </form>
                    )}
                    {a.status !== 'deactivated' && (
                      <form method="post" action={`/console/analysts/${a.id}/link`} class="action">
                        <Csrf token={csrfToken} />
                        {a.status === 'invited' ? (
                          <button type="submit">New setup link</button>
                        ) : (
                          <button type="submit" class="danger">
                            Reset sign-in
                          </button>
                        )}
                      </form>
                    )}
                  </div>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {next_cursor && (
        <p>
          <a href={`/console/analysts?cursor=${encodeURIComponent(next_cursor)}`} rel="next">
            Next page
          </a>
        </p>
      )}
    </>,
  );
}

export function registerAnalystRoutes(pages: Hono<ConsoleEnv>): void {
  pages.get('/analysts', (c) => analystsPage(c));

  pages.post('/analysts/invite', async (c) => {
    const { account } = allowedTo(c, 'manage_analysts');
    return act(c, '/console/analysts', async () => {
      const input = parseRequest(InviteForm, await c.req.parseBody());
      const { invitation } = await createDashboardUser(c.get('storage'), c.get('secrets'), {
        clientId: account.clientId,
        email: input.email,
        role: input.role,
        invitedBy: account.id,
      });
      return analystsPage(c, { email: input.email, invitation });
    });
  });

  pages.post('/analysts/:id/role', async (c) => {
    const { account } = allowedTo(c, 'manage_analysts');
    return act(c, '/console/analysts', async () => {
      const { role } = parseRequest(RoleForm, await c.req.parseBody());
      await changeRole(c.get('storage'), account.clientId, account.id, c.req.param('id'), role);
      return `The role is now ${ROLE_LABELS[role].toLowerCase()}.`;
    });
  });

  pages.post('/analysts/:id/deactivate', async (c) => {
    const { account } = allowedTo(c, 'manage_analysts');
    return act(c, '/console/analysts', async () => {
      await deactivateDashboardUser(c.get('storage'), account.clientId, account.id, c.req.param('id'));
      return 'The account is deactivated: its sessions have ended.';
    });
  });

  pages.post('/analysts/:id/reactivate', async (c) => {
    const { account } = allowedTo(c, 'manage_analysts');
    return act(c, '/console/analysts', async () => {
      const { account: back, invitation } = await reactivateDashboardUser(c.get('storage'), c.get('secrets'), account.clientId, account.id, c.req.param('id'));
      return invitation ? analystsPage(c, { email: await openEmail(c.get('secrets'), back), invitation }) : 'The account is active again.';
    });
  });

  pages.post('/analysts/:id/link', async (c) => {
    const { account } = allowedTo(c, 'manage_analysts');
    return act(c, '/console/analysts', async () => {
      const { account: invited, invitation } = await reissueInvitation(c.get('storage'), c.get('secrets'), account.clientId, account.id, c.req.param('id'));
      return analystsPage(c, { email: await openEmail(c.get('secrets'), invited), invitation });
    });
  });
}
