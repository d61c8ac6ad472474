/** The console's forms (docs/product.md §8): the same field rules as the API's requests, read from
 * form fields (strings). */
import { z } from 'zod';
import { ProgramSettingsInput } from '../matching/settings';
import { DASHBOARD_USER_ROLES } from '../vocabulary';
import { BeaconReportType, FraudAmount } from './report';
import { ProgramName } from './dashboard';
import { BeaconUserStatus, EmailAddress, PastDate, WebhookUrl } from './fields';

/** An amount in dollars; empty means unknown. */
const Amount = z
  .string()
  .transform((value) => (value.trim() === '' ? null : { iso_currency_code: 'USD' as const, value: Number(value) }))
  .pipe(FraudAmount.nullable());

export const ReviewForm = z.object({ status: BeaconUserStatus });
export const ReportForm = z.object({ type: BeaconReportType, fraud_date: PastDate, fraud_amount: Amount });
export const NoteForm = z.object({ body: z.string() });
export const SearchForm = z.object({ query: z.string().trim().min(1, 'type a client_user_id or a beacon_user_id').max(128) });
export const InviteForm = z.object({ email: EmailAddress, role: z.enum(DASHBOARD_USER_ROLES) });
export const RoleForm = z.object({ role: z.enum(DASHBOARD_USER_ROLES) });
export const WebhookUrlForm = z.object({ url: WebhookUrl });
export const ProgramForm = z.object({ name: ProgramName, settings: ProgramSettingsInput });
