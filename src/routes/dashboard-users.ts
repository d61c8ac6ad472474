import { createDashboardUser, dashboardUserView, getDashboardUser, listDashboardUsers, setupUrl } from '../domain/analysts/accounts';
import { register, type App } from '../http/endpoint';
import { AdminDashboardUserCreateRequest, AdminDashboardUserCreateResponse, DashboardUserGetRequest, DashboardUserListRequest } from '../schemas/dashboard-user';
import { plaidResponse } from '../schemas/plaid';

/** Analyst accounts (docs/product.md §8): the member's backend resolves the `dashboard_user_id`
 * of an audit trail to a person; the operator creates a member's first admin. */
export function registerDashboardUserRoutes(app: App): void {
  register(app, {
    path: '/dashboard_user/get',
    summary: 'Get an analyst account: who acted in an audit trail',
    plane: 'api',
    response: plaidResponse('DashboardUserGetResponse'),
    request: DashboardUserGetRequest,
    handle: async ({ storage, secrets, client, input }) => dashboardUserView(secrets, await getDashboardUser(storage, client.id, input.dashboard_user_id)),
  });

  register(app, {
    path: '/dashboard_user/list',
    summary: "List the member's analyst accounts",
    plane: 'api',
    response: plaidResponse('DashboardUserListResponse'),
    request: DashboardUserListRequest,
    async handle({ storage, secrets, client, input }) {
      const { items, next_cursor } = await listDashboardUsers(storage, secrets, client.id, input.cursor);
      return { dashboard_users: await Promise.all(items.map((account) => dashboardUserView(secrets, account))), next_cursor };
    },
  });

  register(app, {
    path: '/admin/dashboard_user/create',
    summary: "Create a member's first console admin: a one-time setup link",
    plane: 'admin',
    response: AdminDashboardUserCreateResponse,
    request: AdminDashboardUserCreateRequest,
    async handle({ storage, secrets, origin, input }) {
      const { account, invitation } = await createDashboardUser(storage, secrets, { clientId: input.client_id, email: input.email_address, role: 'admin', invitedBy: null });
      return {
        ...(await dashboardUserView(secrets, account)),
        client_id: account.clientId,
        role: account.role,
        // Shown once: only its digest is stored.
        setup_url: setupUrl(origin, invitation.token),
        setup_url_expires_at: invitation.expiresAt,
      };
    },
  });
}
