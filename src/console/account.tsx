/** The analyst's own account: who they are, and signing out everywhere. */
import type { Hono } from 'hono';
import { openEmail } from '../domain/analysts/accounts';
import { ABSOLUTE_MS, IDLE_MS } from '../domain/analysts/sessions';
import { signedIn, type ConsoleEnv } from './context';
import { Csrf } from './layout';
import { render } from './render';
import { ROLE_LABELS } from './words';

export function registerAccountRoutes(pages: Hono<ConsoleEnv>): void {
  pages.get('/account', async (c) => {
    const { account, csrfToken } = signedIn(c);
    return render(
      c,
      { title: 'Your account', section: 'account' },
      <>
        <dl class="facts">
          <dt>Email address</dt>
          <dd>{await openEmail(c.get('secrets'), account)}</dd>
          <dt>Role</dt>
          <dd>{ROLE_LABELS[account.role]}</dd>
          <dt>
            <code>dashboard_user_id</code>
          </dt>
          <dd>
            <code data-dashboard-user-id={account.id}>{account.id}</code>
            <span class="help"> — how audit trails name you; your team's backend resolves it with /dashboard_user/get.</span>
          </dd>
        </dl>
        <h2>Sessions</h2>
        <p>
          A session ends after {IDLE_MS / 60_000} minutes without activity, and {ABSOLUTE_MS / 3_600_000} hours after signing in in any case.
        </p>
        <form method="post" action="/console/account/sign-out-everywhere">
          <Csrf token={csrfToken} />
          <button type="submit">Sign out everywhere</button>
        </form>
      </>,
    );
  });
}
