/** What each role may do in the console (docs/product.md §8): `viewer` reads; `analyst` also
 * works users — reviews, reports, syndications, notes; `admin` also manages programs, the
 * webhook settings and the member's analysts. Every screen reads; every change is one of
 * these actions, checked here and nowhere else. */
import type { DashboardUserRole } from '../../vocabulary';

export const CONSOLE_ACTIONS = {
  review_user: 'review users',
  file_report: 'file reports',
  edit_report: 'edit reports',
  delete_report: 'delete reports',
  confirm_syndication: 'confirm syndications',
  add_note: 'add notes',
  manage_programs: 'create and change programs',
  manage_webhooks: 'change the webhook URL or re-send deliveries',
  manage_analysts: 'manage analysts',
} as const;
export type ConsoleAction = keyof typeof CONSOLE_ACTIONS;

const CASEWORK: ConsoleAction[] = ['review_user', 'file_report', 'edit_report', 'delete_report', 'confirm_syndication', 'add_note'];

const ALLOWED: Record<DashboardUserRole, ReadonlySet<ConsoleAction>> = {
  viewer: new Set(),
  analyst: new Set(CASEWORK),
  admin: new Set(Object.keys(CONSOLE_ACTIONS) as ConsoleAction[]),
};

export const may = (role: DashboardUserRole, action: ConsoleAction): boolean => ALLOWED[role].has(action);

/** Why a role may not act, for the page that shows the action disabled. */
export const roleRefusal = (role: DashboardUserRole, action: ConsoleAction): string | null =>
  may(role, action) ? null : `Your role (${role}) cannot ${CONSOLE_ACTIONS[action]}. An admin can change your role.`;
