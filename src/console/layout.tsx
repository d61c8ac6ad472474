/** The console's page shell: landmarks, navigation, the message of the last action, and the
 * console's own stylesheet and script (no inline style or script: the CSP forbids them). */
import type { Child } from 'hono/jsx';
import { may } from '../domain/analysts/roles';
import type { DashboardUserRole } from '../vocabulary';
import type { Flash } from './context';

export interface Viewer {
  email: string;
  role: DashboardUserRole;
  csrfToken: string;
}

const NAV = [
  { href: '/console/queue', label: 'Review queue', section: 'queue' },
  { href: '/console/search', label: 'Search', section: 'search' },
  { href: '/console/programs', label: 'Programs', section: 'programs' },
  { href: '/console/webhooks', label: 'Webhooks', section: 'webhooks' },
  { href: '/console/analysts', label: 'Analysts', section: 'analysts', action: 'manage_analysts' },
  { href: '/console/account', label: 'Account', section: 'account' },
] as const;

export type Section = (typeof NAV)[number]['section'] | 'user' | 'sign-in';

export function Page(props: { title: string; section: Section; viewer: Viewer | null; flash?: Flash | null; children: Child }) {
  const { viewer } = props;
  return (
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>{`${props.title} · Beacon Network console`}</title>
        <link rel="stylesheet" href="/console/console.css" />
        <script src="/console/console.js" defer></script>
      </head>
      <body>
        <a class="skip" href="#main">
          Skip to content
        </a>
        <header class="top">
          <p class="brand">
            <a href={viewer ? '/console/queue' : '/console/sign-in'}>Beacon Network</a> <span class="brand-sub">console</span>
          </p>
          {viewer && (
            <nav aria-label="Console">
              <ul>
                {NAV.filter((item) => !('action' in item) || may(viewer.role, item.action)).map((item) => (
                  <li>
                    <a href={item.href} aria-current={props.section === item.section ? 'page' : undefined}>
                      {item.label}
                    </a>
                  </li>
                ))}
              </ul>
            </nav>
          )}
          {viewer && (
            <form class="who" method="post" action="/console/sign-out">
              <span>
                {viewer.email} <span class="role">({viewer.role})</span>
              </span>
              <input type="hidden" name="_csrf" value={viewer.csrfToken} />
              <button type="submit" class="link">
                Sign out
              </button>
            </form>
          )}
        </header>
        <main id="main" tabindex={-1}>
          <h1>{props.title}</h1>
          {props.flash && (
            <p class={`flash flash-${props.flash.kind}`} role={props.flash.kind === 'error' ? 'alert' : 'status'}>
              {props.flash.text}
            </p>
          )}
          {props.children}
        </main>
      </body>
    </html>
  );
}

/** The hidden field every form carries. */
export const Csrf = (props: { token: string }) => <input type="hidden" name="_csrf" value={props.token} />;
