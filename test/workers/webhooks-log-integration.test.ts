import { describe, expect, it, vi } from 'vitest';
import { PAGE_SIZE } from '../../src/lib/cursor';
import { dashboard, expectError, newClient } from './support/api';
import { expectContractShape } from './support/spec';
import { consume, deliveryOf, memberWithReceiver, recordEvent } from './support/webhooks';

const list = (client: Parameters<typeof dashboard>[0], body: Record<string, unknown> = {}) => dashboard(client, '/dashboard/webhook/delivery/list', body);

describe('the delivery log', () => {
  it('lists the client’s deliveries newest first, a page at a time', async () => {
    const client = await newClient();
    const ids: string[] = [];
    for (let i = 0; i < PAGE_SIZE + 2; i++) {
      ids.push(await recordEvent(client.client_id, { webhook_code: 'REPORT_CREATED', beacon_report_id: `becrpt_Page${String(i).padStart(10, '0')}` }));
    }
    const first = await list(client);
    expect(first.status, JSON.stringify(first.body)).toBe(200);
    expect(first.body.deliveries).toHaveLength(PAGE_SIZE);
    expect(first.body.next_cursor).toEqual(expect.any(String));
    const second = await list(client, { cursor: first.body.next_cursor });
    expect(second.body.deliveries).toHaveLength(2);
    expect(second.body.next_cursor).toBeNull();
    const all = [...first.body.deliveries, ...second.body.deliveries].map((d: { delivery_id: string }) => d.delivery_id);
    expect(all).toEqual([...ids].reverse());

    expect(first.body.deliveries.at(-1)).toEqual({
      delivery_id: ids[2],
      event: {
        id: ids[2],
        webhook_code: 'REPORT_CREATED',
        created_at: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/),
        payload: { webhook_type: 'BEACON', webhook_code: 'REPORT_CREATED', beacon_report_id: 'becrpt_Page0000000002', environment: 'sandbox' },
      },
      status: 'pending',
      attempts: 0,
      last_attempt_at: null,
      last_http_status: null,
      last_error: null,
      last_error_message: null,
      next_attempt_at: null,
      delivered_at: null,
      given_up_at: null,
    });
  });

  it('filters by status; a cursor is bound to its client and its filter', async () => {
    const { client, receiver } = await memberWithReceiver();
    const delivered = await recordEvent(client.client_id);
    await consume('beacon-webhooks', [{ eventId: delivered }]);
    await receiver.answer({ status: 500 });
    const pending = await recordEvent(client.client_id);
    await consume('beacon-webhooks', [{ eventId: pending }]);

    const byStatus = async (status: string) => (await list(client, { status })).body.deliveries.map((d: { delivery_id: string }) => d.delivery_id);
    expect(await byStatus('delivered')).toEqual([delivered]);
    expect(await byStatus('pending')).toEqual([pending]);
    expect(await byStatus('dead')).toEqual([]);
    expect(await byStatus('skipped')).toEqual([]);
    expect(await deliveryOf(client, pending)).toMatchObject({ attempts: 1, last_http_status: 500, next_attempt_at: expect.stringMatching(/Z$/) });
    expectError(await list(client, { status: 'lost' }), 400, 'INVALID_REQUEST', 'INVALID_FIELD', /status: must be one of pending, delivered, dead, skipped/);

    // Enough deliveries for a second page, then its cursor under another filter or client.
    for (let i = 0; i < PAGE_SIZE; i++) await recordEvent(client.client_id);
    const { next_cursor } = (await list(client, { status: 'pending' })).body;
    expect(next_cursor).toEqual(expect.any(String));
    expectError(await list(client, { status: 'delivered', cursor: next_cursor }), 400, 'INVALID_REQUEST', 'INVALID_FIELD', /cursor is invalid/);
    expectError(await list(client, { cursor: next_cursor }), 400, 'INVALID_REQUEST', 'INVALID_FIELD', /cursor is invalid/);
    expectError(await list(await newClient(), { status: 'pending', cursor: next_cursor }), 400, 'INVALID_REQUEST', 'INVALID_FIELD', /cursor is invalid/);
    expectError(await list(client, { cursor: 'forged.cursor' }), 400, 'INVALID_REQUEST', 'INVALID_FIELD', /cursor is invalid/);
  });

  it('shows only the caller’s own deliveries', async () => {
    const mine = await newClient();
    const theirs = await newClient();
    const id = await recordEvent(theirs.client_id);
    expect((await list(mine)).body.deliveries).toEqual([]);
    expect(await deliveryOf(theirs, id)).toBeDefined();
  });

  it('/retry re-sends a dead delivery: back to pending, enqueued, delivered', async () => {
    const { client, receiver } = await memberWithReceiver();
    await receiver.answer({ status: 500 });
    const id = await recordEvent(client.client_id);
    await consume('beacon-webhooks', [{ eventId: id, attempts: 8 }]);
    await consume('beacon-webhooks-dead', [{ eventId: id }]);
    expect((await deliveryOf(client, id)).status).toBe('dead');

    await receiver.answer({ status: 200 });
    const retried = await dashboard(client, '/dashboard/webhook/delivery/retry', { delivery_id: id });
    expectContractShape('/dashboard/webhook/delivery/retry', retried.body);
    expect(retried.status, JSON.stringify(retried.body)).toBe(200);
    expect(retried.body.delivery).toMatchObject({ delivery_id: id, status: 'pending', attempts: 1, given_up_at: null, next_attempt_at: null });

    // The real queue delivers it, with the same event identity as before.
    await vi.waitFor(async () => expect(await receiver.received()).toHaveLength(2), { timeout: 10_000, interval: 100 });
    const [failed, resent] = await receiver.received();
    expect(resent!.headers['beacon-event-id']).toBe(failed!.headers['beacon-event-id']);
    expect(resent!.body).toBe(failed!.body);
    expect(resent!.headers['beacon-delivery-attempt']).toBe('1'); // a fresh schedule
    await vi.waitFor(async () => expect(await deliveryOf(client, id)).toMatchObject({ status: 'delivered', attempts: 2, last_http_status: 200 }));
  });

  it('/retry refuses deliveries that are not dead or skipped', async () => {
    const { client } = await memberWithReceiver();
    const pending = await recordEvent(client.client_id);
    expectError(
      await dashboard(client, '/dashboard/webhook/delivery/retry', { delivery_id: pending }),
      400,
      'INVALID_REQUEST',
      'INVALID_FIELD',
      new RegExp(`^only a dead or skipped delivery can be retried; delivery ${pending} is pending$`),
    );
    await consume('beacon-webhooks', [{ eventId: pending }]);
    expectError(await dashboard(client, '/dashboard/webhook/delivery/retry', { delivery_id: pending }), 400, 'INVALID_REQUEST', 'INVALID_FIELD', /is delivered$/);
  });

  it('another client’s delivery is "not found", exactly like an unknown id', async () => {
    const owner = await newClient();
    const other = await newClient();
    const id = await recordEvent(owner.client_id);
    await consume('beacon-webhooks', [{ eventId: id }]); // skipped (no URL): retryable by its owner
    const foreign = await dashboard(other, '/dashboard/webhook/delivery/retry', { delivery_id: id });
    const unknown = await dashboard(other, '/dashboard/webhook/delivery/retry', { delivery_id: 'evt_NoSuchEvent000' });
    expectError(foreign, 400, 'INVALID_REQUEST', 'INVALID_FIELD', /^delivery_id not found$/);
    expect({ ...foreign.body, request_id: null }).toEqual({ ...unknown.body, request_id: null });
    expect((await deliveryOf(owner, id)).status).toBe('skipped');
    expectError(await dashboard(other, '/dashboard/webhook/delivery/retry', {}), 400, 'INVALID_REQUEST', 'MISSING_FIELDS', /delivery_id/);
  });
});
