/** Finding a user by `client_user_id` or `beacon_user_id`. The query goes in a POST body,
 * never in a URL: a member's ids for its customers stay out of logs and browser history. */
import type { Hono } from 'hono';
import { findBeaconUsers } from '../domain/beacon-users/reads';
import { programsOf } from '../domain/programs';
import { PlaidError } from '../errors';
import { parseRequest } from '../http/validation';
import { SearchForm } from '../schemas/console';
import { sentence } from './words';
import { Reason, StatusBadge } from './components';
import { signedIn, type ConsoleContext, type ConsoleEnv } from './context';
import { Csrf } from './layout';
import { render } from './render';

function SearchBox(props: { csrfToken: string; query: string }) {
  return (
    // biome-ignore lint/a11y/useSemanticElements: a form with role=search is understood by every browser and screen reader; <search> is not yet
    <form method="post" action="/console/search" class="filters" role="search">
      <Csrf token={props.csrfToken} />
      <label>
        client_user_id or beacon_user_id
        <input type="search" name="query" value={props.query} required maxlength={128} autocomplete="off" data-search-box />
      </label>
      <button type="submit">Search</button>
    </form>
  );
}

async function searchPage(c: ConsoleContext, query: string, results: Awaited<ReturnType<typeof findBeaconUsers>> | null, error: string | null = null) {
  const { account, csrfToken } = signedIn(c);
  if (error) c.set('flash', { kind: 'error', text: error });
  const programs = results?.length ? new Map((await programsOf(c.get('storage'), account.clientId)).map((p) => [p.id, p.name])) : new Map<string, string>();
  return render(
    c,
    { title: 'Search', section: 'search', status: error ? 400 : 200 },
    <>
      <SearchBox csrfToken={csrfToken} query={query} />
      {results && results.length === 0 && <p class="empty">No user of yours has this id.</p>}
      {results && results.length > 0 && (
        <table>
          <caption>Users found</caption>
          <thead>
            <tr>
              <th scope="col">User</th>
              <th scope="col">Program</th>
              <th scope="col">Status</th>
            </tr>
          </thead>
          <tbody>
            {results.map((user) => (
              <tr>
                <th scope="row">
                  <a href={`/console/users/${user.beaconUserId}`}>{user.clientUserId}</a>
                </th>
                <td>{programs.get(user.programId) ?? user.programId}</td>
                <td>
                  <StatusBadge status={user.status} /> <Reason reason={user.statusReason} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </>,
  );
}

export function registerSearchRoutes(pages: Hono<ConsoleEnv>): void {
  pages.get('/search', (c) => searchPage(c, '', null));

  pages.post('/search', async (c) => {
    const { account } = signedIn(c);
    const body = (await c.req.parseBody()) as Record<string, string>;
    try {
      const { query } = parseRequest(SearchForm, body);
      const found = await findBeaconUsers(c.get('storage'), account.clientId, query);
      // One user: straight to it (its id is all the URL holds).
      if (found.length === 1) return c.redirect(`/console/users/${found[0]!.beaconUserId}`, 303);
      return searchPage(c, query, found);
    } catch (error) {
      if (error instanceof PlaidError && error.status < 500) return searchPage(c, body.query ?? '', null, sentence(error.message));
      throw error;
    }
  });
}
