/** The review queue (docs/product.md §8): the member's users in pending_review across its
 * programs, oldest first, why each is there and since when, filtered by program and reason,
 * a page at a time, with counts. The filters are ids and words in the query string; nothing
 * about a person is. */
import type { Hono } from 'hono';
import { listReviewQueue, reviewQueueCountsOf } from '../domain/beacon-users/queue';
import { programsOf } from '../domain/programs';
import { STATUS_REASONS, type StatusReason } from '../vocabulary';
import { Reason, Time } from './components';
import { signedIn, type ConsoleEnv } from './context';
import { render } from './render';
import { REASON_LABELS } from './words';

const isReason = (value: string | undefined): value is StatusReason => STATUS_REASONS.includes(value as StatusReason);

/** The queue's page with these filters (and a cursor). */
export const queueHref = (filter: { program?: string | null; reason?: string | null; cursor?: string | null }) => {
  const query = new URLSearchParams(Object.entries(filter).filter((e): e is [string, string] => Boolean(e[1])));
  return `/console/queue${query.size ? `?${query}` : ''}`;
};

export function registerQueueRoutes(pages: Hono<ConsoleEnv>): void {
  pages.get('/', (c) => c.redirect(c.get('session') ? '/console/queue' : '/console/sign-in'));

  pages.get('/queue', async (c) => {
    const { account } = signedIn(c);
    const storage = c.get('storage');
    const secrets = c.get('secrets');
    const programId = c.req.query('program') || null;
    const reasonParam = c.req.query('reason') || undefined;
    const reason = isReason(reasonParam) ? reasonParam : null;
    const [programs, counts] = await Promise.all([programsOf(storage, account.clientId), reviewQueueCountsOf(storage, account.clientId)]);
    const program = programs.find((p) => p.id === programId) ?? null;
    const page = await listReviewQueue(storage, secrets, account.clientId, { programId: program?.id ?? null, reason }, c.req.query('cursor'));
    const names = new Map(programs.map((p) => [p.id, p.name]));
    const shown = program ? (counts.byProgram[program.id] ?? 0) : reason ? (counts.byReason[reason] ?? 0) : counts.total;

    return render(
      c,
      { title: 'Review queue', section: 'queue' },
      <>
        <p class="summary" role="status">
          {counts.total} {counts.total === 1 ? 'user waits' : 'users wait'} for review
          {STATUS_REASONS.filter((r) => counts.byReason[r]).map((r) => (
            <span class="count">
              {' · '}
              {REASON_LABELS[r]}: {counts.byReason[r]}
            </span>
          ))}
        </p>
        <form method="get" action="/console/queue" class="filters">
          <label>
            Program
            <select name="program">
              <option value="">All programs</option>
              {programs.map((p) => (
                <option value={p.id} selected={p.id === program?.id}>
                  {p.name} ({counts.byProgram[p.id] ?? 0})
                </option>
              ))}
            </select>
          </label>
          <label>
            Reason
            <select name="reason">
              <option value="">Any reason</option>
              {STATUS_REASONS.map((r) => (
                <option value={r} selected={r === reason}>
                  {REASON_LABELS[r]}
                </option>
              ))}
            </select>
          </label>
          <button type="submit">Filter</button>
        </form>
        {page.users.length === 0 ? (
          <p class="empty">No user waits for review{program || reason ? ' with these filters' : ''}.</p>
        ) : (
          <table class="queue" data-keyboard-list>
            <caption>Oldest first{program || reason ? ` · ${shown} with these filters` : ''} · keys: j / k to move, Enter to open</caption>
            <thead>
              <tr>
                <th scope="col">User</th>
                <th scope="col">Name</th>
                <th scope="col">Program</th>
                <th scope="col">Why</th>
                <th scope="col">Waiting since</th>
              </tr>
            </thead>
            <tbody>
              {page.users.map((user) => (
                <tr>
                  <th scope="row">
                    <a href={`/console/users/${user.beaconUserId}`} data-row-link>
                      {user.clientUserId}
                    </a>
                  </th>
                  <td>
                    {user.name.given_name} {user.name.family_name}
                  </td>
                  <td>{names.get(user.programId) ?? user.programId}</td>
                  <td>
                    <Reason reason={user.reason} />
                  </td>
                  <td>
                    <Time at={user.since} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
        {page.next_cursor && (
          <p>
            <a href={queueHref({ program: program?.id, reason, cursor: page.next_cursor })} rel="next">
              Next page
            </a>
          </p>
        )}
      </>,
    );
  });
}
