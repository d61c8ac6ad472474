import { z } from 'zod';
import { Cursor, EmailAddress, ObjectId } from './fields';

/** The spec's, for the API plane. */
export const DashboardUserGetRequest = z.strictObject({ dashboard_user_id: ObjectId });
export const DashboardUserListRequest = z.strictObject({ cursor: Cursor });

/** The operator creates a member's first admin (PRODUCT.md §8). */
export const AdminDashboardUserCreateRequest = z.strictObject({ client_id: ObjectId, email_address: EmailAddress });
