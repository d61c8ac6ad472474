import { z } from 'zod';
import { DASHBOARD_USER_ROLES, DASHBOARD_USER_STATUSES } from '../vocabulary';
import { Cursor, EmailAddress, ObjectId, Timestamp } from './fields';

/** The spec's, for the API plane. */
export const DashboardUserGetRequest = z.strictObject({ dashboard_user_id: ObjectId });
export const DashboardUserListRequest = z.strictObject({ cursor: Cursor });

/** The operator creates a member's first admin (docs/product.md §8). */
export const AdminDashboardUserCreateRequest = z.strictObject({ client_id: ObjectId, email_address: EmailAddress });

/** The member's first admin: its account, and the one-time link to set it up. */
export const AdminDashboardUserCreateResponse = z.object({
  id: z.string(),
  created_at: Timestamp,
  email_address: z.string(),
  status: z.enum(DASHBOARD_USER_STATUSES),
  client_id: z.string(),
  role: z.enum(DASHBOARD_USER_ROLES),
  setup_url: z.string().meta({ description: 'Shown once (only its digest is stored): where the admin chooses a password and enrols an authenticator.' }),
  setup_url_expires_at: Timestamp,
});
