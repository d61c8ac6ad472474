import type { Child } from 'hono/jsx';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { openEmail } from '../domain/analysts/accounts';
import type { ConsoleContext } from './context';
import { Page, type Section, type Viewer } from './layout';

/** The signed-in analyst as the page header shows them. */
export async function viewerOf(c: ConsoleContext): Promise<Viewer | null> {
  const session = c.get('session');
  if (!session) return null;
  return { email: await openEmail(c.get('secrets'), session.account), role: session.account.role, csrfToken: session.csrfToken };
}

/** A whole page in the console's shell. */
export async function render(c: ConsoleContext, page: { title: string; section: Section; status?: ContentfulStatusCode }, body: Child): Promise<Response> {
  const viewer = await viewerOf(c);
  return c.html(
    <Page title={page.title} section={page.section} viewer={viewer} flash={c.get('flash')}>
      {body}
    </Page>,
    page.status ?? 200,
  );
}
