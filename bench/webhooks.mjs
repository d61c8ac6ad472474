// Webhook delivery (issue 5): a local receiver (node:http on 127.0.0.1, on a port the
// Worker's WEBHOOK_LOCAL_PORTS allows) is every member's webhook URL; each call to /beacon/user/review changes a user's status and so causes exactly
// one USER_STATUS_UPDATED. Two measurements:
//  - throughput: LOAD.connections callers as fast as they can (closed loop); events/s from the
//    first call to the last receipt;
//  - delay: calls at a fixed LATENCY_RATE (open loop, below capacity), so that the delay from
//    each call's response to the receipt of its webhook is the pipeline's, not a backlog's.
import { createServer } from 'node:http';
import { listenOnFreePort, LOCAL_RECEIVER_PORTS } from '../scripts/local-worker.mjs';
import { apiHeaders, clientOf, LATENCY_RATE, LOAD, ms, newMembers, person, printTable, random } from './lib.mjs';

const EVENTS = Number(process.env.BENCH_WEBHOOK_EVENTS ?? 1000);
const DELAY_EVENTS = 400;
const MEMBERS = 8;
const RECEIPT_TIMEOUT_MS = 120_000;

export async function benchWebhooks({ ours }) {
  const receiver = await startReceiver();
  try {
    const rand = random(5);
    const members = await newMembers(ours, MEMBERS);
    const { api, dashboard } = clientOf(ours);
    for (const m of members) await dashboard(m.credentials, '/dashboard/webhook/update', { url: receiver.url });

    // The users whose status the measured calls change (creating them causes no event).
    const users = [];
    for (let i = 0; i < EVENTS + DELAY_EVENTS; i++) {
      const member = members[i % members.length];
      const user = await api(member.credentials, '/beacon/user/create', { program_id: member.programId, client_user_id: `wh-${i}`, user: person(rand) });
      // Review to the other status, so that every call is a change (a user may have been
      // flagged at creation by a report from an earlier section).
      users.push({ member, id: user.id, to: user.status === 'cleared' ? 'pending_review' : 'cleared' });
    }
    await receiver.settle(); // nothing from the setup is still arriving

    // Throughput: closed loop.
    const batch = users.slice(0, EVENTS);
    let next = 0;
    const throughput = await measure(ours, receiver, (review) =>
      Promise.all(
        Array.from({ length: LOAD.connections }, async () => {
          while (next < batch.length) await review(batch[next++]);
        }),
      ),
    );
    await receiver.settle();

    // Delay: open loop at a fixed rate.
    const paced = users.slice(EVENTS);
    const latency = await measure(ours, receiver, (review) =>
      Promise.all(paced.map((user, i) => new Promise((resolve) => setTimeout(resolve, (1000 * i) / LATENCY_RATE)).then(() => review(user)))),
    );

    const row = {
      events: throughput.delivered + latency.delivered,
      'API calls/s (closed loop)': throughput.callsPerSecond.toFixed(0),
      'delivered events/s': throughput.deliveredPerSecond.toFixed(0),
      [`delay p50 at ${LATENCY_RATE}/s`]: ms(latency.p50),
      [`delay p99 at ${LATENCY_RATE}/s`]: ms(latency.p99),
      'delay p50 closed loop': ms(throughput.p50),
      signed: receiver.signed === receiver.total ? 'all' : `${receiver.signed}/${receiver.total}`,
      errors: throughput.errors + latency.errors,
    };
    printTable(`Webhook delivery to a local receiver (delay = causing call's response → receipt)`, [row]);
    return [row];
  } finally {
    await receiver.stop();
  }
}

/** Runs the reviews with `drive`, waits for every webhook, and summarises. */
async function measure(ours, receiver, drive) {
  const responded = new Map();
  let errors = 0;
  const review = async ({ member, id, to }) => {
    const response = await fetch(`${ours}/beacon/user/review`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...apiHeaders(member.credentials) },
      body: JSON.stringify({ beacon_user_id: id, status: to }),
    });
    await response.arrayBuffer();
    if (response.ok) responded.set(id, performance.now());
    else errors++;
  };
  const started = performance.now();
  await drive(review);
  const calls = performance.now() - started;
  await receiver.until(() => [...responded.keys()].every((id) => receiver.received.has(id)), RECEIPT_TIMEOUT_MS);
  const delays = [...responded].map(([id, at]) => receiver.received.get(id) - at).sort((a, b) => a - b);
  const lastReceipt = Math.max(...[...responded.keys()].map((id) => receiver.received.get(id)));
  return {
    delivered: responded.size,
    callsPerSecond: responded.size / (calls / 1000),
    deliveredPerSecond: responded.size / ((lastReceipt - started) / 1000),
    p50: percentile(delays, 0.5),
    p99: percentile(delays, 0.99),
    errors,
  };
}

const percentile = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))];

/** The receiver records when each user's USER_STATUS_UPDATED arrives and answers 200. */
async function startReceiver() {
  const received = new Map();
  let total = 0;
  let signed = 0;
  let lastArrival = performance.now();
  const server = createServer((request, response) => {
    const chunks = [];
    request.on('data', (chunk) => chunks.push(chunk));
    request.on('end', () => {
      const at = performance.now();
      lastArrival = at;
      total++;
      if (/^[\w-]+\.[\w-]+\.[\w-]+$/.test(request.headers['plaid-verification'] ?? '')) signed++;
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      if (body.webhook_code === 'USER_STATUS_UPDATED' && !received.has(body.beacon_user_id)) received.set(body.beacon_user_id, at);
      response.writeHead(200).end();
    });
  });
  const port = await listenOnFreePort(server, LOCAL_RECEIVER_PORTS);
  return {
    url: `http://127.0.0.1:${port}/beacon-webhooks`,
    received,
    get total() {
      return total;
    },
    get signed() {
      return signed;
    },
    async until(done, timeoutMs) {
      const deadline = Date.now() + timeoutMs;
      while (!done()) {
        if (Date.now() > deadline) throw new Error(`webhooks: ${received.size} events received before the timeout`);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    },
    /** Waits until nothing has arrived for 3 s, then forgets what did. */
    async settle() {
      while (performance.now() - lastArrival < 3000) await new Promise((resolve) => setTimeout(resolve, 200));
      received.clear();
    },
    stop: () => new Promise((resolve) => server.close(resolve)),
  };
}
