/** Webhooks (docs/product.md §8): where the member's webhooks go, the delivery log, and re-sending
 * a delivery that was given up. */
import type { Hono } from 'hono';
import { roleRefusal } from '../domain/analysts/roles';
import { getClient, updateClient } from '../domain/clients';
import { listDeliveries, retryDelivery } from '../domain/webhooks/deliveries';
import { parseRequest } from '../http/validation';
import { handOverEvents } from '../queues/outbox';
import { WebhookUrlForm } from '../schemas/console';
import { MAX_WEBHOOK_URL_LENGTH } from '../schemas/fields';
import { DELIVERY_STATUSES, type DeliveryStatus } from '../vocabulary';
import { Refused, Time } from './components';
import { act, allowedTo, signedIn, type ConsoleEnv } from './context';
import { Csrf } from './layout';
import { render } from './render';
import { DELIVERY_LABELS } from './words';

const isStatus = (value: string | undefined): value is DeliveryStatus => DELIVERY_STATUSES.includes(value as DeliveryStatus);

export function registerWebhookRoutes(pages: Hono<ConsoleEnv>): void {
  pages.get('/webhooks', async (c) => {
    const { account, csrfToken } = signedIn(c);
    const storage = c.get('storage');
    const secrets = c.get('secrets');
    const statusParam = c.req.query('status');
    const status = isStatus(statusParam) ? statusParam : null;
    const [client, log] = await Promise.all([getClient(storage, account.clientId), listDeliveries(storage, secrets, account.clientId, { cursor: c.req.query('cursor'), status })]);
    const refusal = roleRefusal(account.role, 'manage_webhooks');
    const next = log.next_cursor && `/console/webhooks?${new URLSearchParams({ ...(status ? { status } : {}), cursor: log.next_cursor })}`;
    return render(
      c,
      { title: 'Webhooks', section: 'webhooks' },
      <>
        <form method="post" action="/console/webhooks/url" class="filters">
          <Csrf token={csrfToken} />
          <label>
            Webhook URL
            <input type="url" name="url" value={client.webhookUrl ?? ''} maxlength={MAX_WEBHOOK_URL_LENGTH} disabled={refusal !== null} aria-describedby="url-help" />
          </label>
          {refusal ? <Refused label="Save the URL" why={refusal} id="why-url" /> : <button type="submit">Save the URL</button>}
        </form>
        <p id="url-help" class="help">
          Every Beacon event goes there, signed (docs/webhooks.md). An empty URL stops deliveries: events are then skipped, and can be re-sent later.
        </p>
        <h2>Delivery log</h2>
        <form method="get" action="/console/webhooks" class="filters">
          <label>
            Status
            <select name="status">
              <option value="">Any status</option>
              {DELIVERY_STATUSES.map((s) => (
                <option value={s} selected={s === status}>
                  {DELIVERY_LABELS[s]}
                </option>
              ))}
            </select>
          </label>
          <button type="submit">Filter</button>
        </form>
        {log.deliveries.length === 0 ? (
          <p class="empty">No delivery{status ? ' with this status' : ''}.</p>
        ) : (
          <table>
            <caption>Newest first</caption>
            <thead>
              <tr>
                <th scope="col">Event</th>
                <th scope="col">Created</th>
                <th scope="col">Status</th>
                <th scope="col">Attempts</th>
                <th scope="col">Last attempt</th>
                <th scope="col">Next attempt</th>
                <th scope="col">Re-send</th>
              </tr>
            </thead>
            <tbody>
              {log.deliveries.map((d) => (
                <tr>
                  <th scope="row">
                    {d.event.webhook_code} <code class="id">{d.delivery_id}</code>
                  </th>
                  <td>
                    <Time at={d.event.created_at} />
                  </td>
                  <td>{DELIVERY_LABELS[d.status]}</td>
                  <td>{d.attempts}</td>
                  <td>
                    <Time at={d.last_attempt_at} />
                    {d.last_http_status ? ` · HTTP ${d.last_http_status}` : ''}
                    {d.last_error_message ? ` · ${d.last_error_message}` : ''}
                  </td>
                  <td>
                    <Time at={d.next_attempt_at} />
                  </td>
                  <td>
                    {(d.status === 'dead' || d.status === 'skipped') &&
                      (refusal ? (
                        <Refused label="Re-send" why={refusal} id={`why-${d.delivery_id}`} />
                      ) : (
                        <form method="post" action={`/console/webhooks/deliveries/${d.delivery_id}/retry`}>
                          <Csrf token={csrfToken} />
                          <button type="submit">Re-send</button>
                        </form>
                      ))}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
        {next && (
          <p>
            <a href={next} rel="next">
              Next page
            </a>
          </p>
        )}
      </>,
    );
  });

  pages.post('/webhooks/url', async (c) => {
    const { account } = allowedTo(c, 'manage_webhooks');
    return act(c, '/console/webhooks', async () => {
      const { url } = parseRequest(WebhookUrlForm, await c.req.parseBody());
      await updateClient(c.get('storage'), c.get('secrets'), { client_id: account.clientId, webhook_url: url.trim() === '' ? null : url.trim() }, 'url');
      return url.trim() ? 'The webhook URL is saved.' : 'The webhook URL is removed: events are skipped until a URL is set.';
    });
  });

  pages.post('/webhooks/deliveries/:id/retry', async (c) => {
    const { account } = allowedTo(c, 'manage_webhooks');
    const storage = c.get('storage');
    return act(c, '/console/webhooks', async () => {
      await retryDelivery(storage, c.get('secrets'), account.clientId, c.req.param('id'), (shard, ids) => handOverEvents(c.env, storage, shard, ids));
      return 'The delivery is sent again, on a fresh schedule.';
    });
  });
}
