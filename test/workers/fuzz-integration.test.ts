// Fuzzing every registered endpoint of every plane from its request schema (support/fuzz.ts):
// wrong types, missing and extra fields, huge and tiny values, odd Unicode, wrong content
// types and encodings, bad and foreign cursors, other clients' ids. Whatever comes in, the
// answer is never a 5xx, a refusal is Plaid's error object, and a refused request wrote
// nothing — by D1's own count (Beacon-D1-Usage, the program's Durable Object included).
// Another client's id answers exactly like an unknown one. `npm test` runs FUZZ_CASES
// (vitest.config.ts) cases; `npm run fuzz -- --n 10000` runs more.
import { env } from 'cloudflare:test';
import { exports } from 'cloudflare:workers';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import '../../src';
import { registeredEndpoints } from '../../src/app';
import type { RegisteredEndpoint } from '../../src/http/endpoint';
import { encodeCursor } from '../../src/lib/cursor';
import { loadSecrets } from '../../src/secrets';
import { api, newBeaconUser, newClient, newProgram, stranger, type Credentials } from './support/api';
import { bodyOf, framing, requestJsonSchema, type Framing } from './support/fuzz';
import { inUserShards } from './support/storage';

const CASES = Number(env.FUZZ_CASES);
/** Requests per client before the next one takes over (the test rate limit is 200 a minute). */
const REQUESTS_PER_CLIENT = 150;

/** A client with one of each kind of object, and the ids and cursors that name them. */
async function clientWithObjects() {
  const credentials = await newClient('Fuzz Co');
  const program = await newProgram(credentials);
  const person = stranger();
  const first = await newBeaconUser(credentials, program, person);
  await newBeaconUser(credentials, program, { ...person, email_address: `again.${person.email_address}` });
  const report = (await api(credentials, '/beacon/report/create', { beacon_user_id: first.id, type: 'stolen', fraud_date: '2024-01-02' })).body;
  const reached = await newBeaconUser(credentials, program, { ...person, email_address: `third.${person.email_address}` });
  const user = (await api(credentials, '/user/create', { client_user_id: `fuzz-${crypto.randomUUID()}` })).body;
  const rows = async (sql: string) => (await inUserShards<{ id: string }>(sql, credentials.client_id)).map((r) => r.id);
  const secrets = await loadSecrets(env);
  const ids = [
    credentials.client_id,
    program,
    first.id,
    reached.id,
    report.id,
    user.user_id,
    user.user_token,
    ...(await rows('SELECT id FROM beacon_duplicates WHERE client_id = ? LIMIT 1')),
    ...(await rows('SELECT id FROM report_syndications WHERE client_id = ? LIMIT 1')),
    ...(await rows('SELECT id FROM webhook_events WHERE client_id = ? LIMIT 2')),
    // A cursor of this client's own list, and one of another list.
    await encodeCursor(secrets.hmacKey, `syndications:${credentials.client_id}:${reached.id}`, 1),
    await encodeCursor(secrets.hmacKey, 'fanout-dead-letters', 1),
  ];
  return { credentials, ids, requests: 0 };
}

type Member = Awaited<ReturnType<typeof clientWithObjects>>;

interface Sent {
  status: number;
  body: any;
  usage: Record<string, number> | null;
}

async function send(endpoint: RegisteredEndpoint, body: unknown, how: Framing, caller: Credentials): Promise<Sent> {
  const headers: Record<string, string> = {};
  if (how.contentType) headers['content-type'] = how.contentType;
  if (how.plaidVersion) headers['plaid-version'] = how.plaidVersion;
  let payload = body;
  if (endpoint.plane === 'admin') {
    if (how.credentials === 'good') headers.authorization = `Bearer ${env.ADMIN_TOKEN}`;
    if (how.credentials === 'wrong') headers.authorization = `Bearer ${env.ADMIN_TOKEN}x`;
  } else {
    const secret = how.credentials === 'wrong' ? `${caller.secret.slice(0, -1)}0` : caller.secret;
    if (how.credentials === 'good' || how.credentials === 'wrong') Object.assign(headers, { 'plaid-client-id': caller.client_id, 'plaid-secret': secret });
    const extra = {
      ...(how.credentials === 'in-body' ? { client_id: caller.client_id, secret } : {}),
      ...(endpoint.plane === 'dashboard' ? { dashboard_user_id: 'fuzz-analyst' } : {}),
    };
    if (payload && typeof payload === 'object' && !Array.isArray(payload)) payload = { ...extra, ...payload };
  }
  const encoded =
    how.encoding === 'not-json'
      ? '{"a":'
      : how.encoding === 'array'
        ? '[1, 2]'
        : how.encoding === 'empty'
          ? ''
          : how.encoding === 'latin1'
            ? new Uint8Array([0x7b, 0x22, 0xe9, 0x22, 0x3a, 0x31, 0x7d])
            : JSON.stringify(payload);
  const response = await exports.default.fetch(`https://beacon.test${endpoint.path}`, { method: 'POST', headers, body: encoded });
  const text = await response.text();
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    // not JSON: the shape check below says so
  }
  const header = response.headers.get('beacon-d1-usage');
  const usage = header
    ? Object.fromEntries(
        header
          .split(';')
          .map((pair) => pair.trim().split('='))
          .map(([k, v]) => [k!, Number(v)]),
      )
    : null;
  return { status: response.status, body: parsed, usage };
}

/** Replaces every occurrence of the other client's ids by unknown ids of the same shape. */
function withUnknownIds(value: unknown, others: string[]): unknown {
  const text = JSON.stringify(value);
  if (text === undefined) return value;
  return JSON.parse(others.reduce((t, id) => t.split(JSON.stringify(id)).join(JSON.stringify(unknownLike(id))), text));
}
const unknownLike = (id: string) => id.replace(/[A-Za-z0-9]{6}$/, '000000');

const stats = { cases: 0, requests: 0, endpoints: new Set<string>(), codes: new Set<string>(), statuses: new Map<number, number>(), serverErrors: 0, writesAfterRefusal: 0 };

function expectSound(endpoint: RegisteredEndpoint, body: unknown, how: Framing, answer: Sent): void {
  stats.requests++;
  stats.statuses.set(answer.status, (stats.statuses.get(answer.status) ?? 0) + 1);
  const context = `${endpoint.path} ${JSON.stringify(how)} ${JSON.stringify(body)?.slice(0, 400)} → ${answer.status} ${JSON.stringify(answer.body).slice(0, 400)}`;
  if (answer.status >= 500) stats.serverErrors++;
  expect(answer.status, context).toBeLessThan(500);
  if (answer.status < 400) {
    expect(answer.body, context).toMatchObject({ request_id: expect.stringMatching(/^[A-Za-z0-9]{15}$/) });
    return;
  }
  stats.codes.add(answer.body?.error_code);
  expect(answer.body, context).toEqual({
    error_type: expect.stringMatching(/^(INVALID_REQUEST|INVALID_INPUT|RATE_LIMIT_EXCEEDED)$/),
    error_code: expect.stringMatching(/^[A-Z_]+$/),
    error_code_reason: null,
    error_message: expect.any(String),
    display_message: null,
    request_id: expect.stringMatching(/^[A-Za-z0-9]{15}$/),
    causes: [],
    status: answer.status,
    documentation_url: expect.stringMatching(/^https:\/\//),
    suggested_action: null,
  });
  expect(answer.usage, context).not.toBeNull();
  if (answer.usage!.rows_written !== 0) stats.writesAfterRefusal++;
  expect(answer.usage!.rows_written, context).toBe(0);
}

describe('fuzzing every endpoint', () => {
  it(`answers ${CASES} generated requests with no 5xx, Plaid's error shape, and no write after a refusal`, { timeout: 60_000 + CASES * 1_000 }, async () => {
    const endpoints = registeredEndpoints();
    expect(endpoints.length).toBeGreaterThan(40);
    const other = await clientWithObjects();
    const members: Member[] = [await clientWithObjects()];
    const memberForNext = async () => {
      if (members.at(-1)!.requests >= REQUESTS_PER_CLIENT) members.push(await clientWithObjects());
      return members.at(-1)!;
    };
    const arbitraries = new Map(
      endpoints.map((endpoint) => {
        const schema = requestJsonSchema(endpoint.request);
        return [endpoint.path, (own: string[]) => bodyOf(schema, { own, others: other.ids })];
      }),
    );
    const seed = env.FUZZ_SEED ? Number(env.FUZZ_SEED) : Date.now() ^ (Math.random() * 2 ** 31);

    // The endpoints take turns, so every one is reached whatever the seed (a failure ends the
    // run without shrinking, so no case is generated twice).
    let turn = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.constant(null).chain(() =>
          fc.tuple(fc.constant(endpoints[turn++ % endpoints.length]!), framing, fc.nat()).chain(([e, how, n]) => {
            // The admin plane may disable or re-key clients: it names the other client's
            // objects, never those of the client the API requests use.
            const own = e.plane === 'admin' ? other.ids : members.at(-1)!.ids;
            return fc.tuple(fc.constant(e), fc.constant(how), fc.constant(n), arbitraries.get(e.path)!(own));
          }),
        ),
        async ([endpoint, how, , body]) => {
          const member = await memberForNext();
          stats.cases++;
          stats.endpoints.add(endpoint.path);
          member.requests += 2;
          const answer = await send(endpoint, body, how, member.credentials);
          expectSound(endpoint, body, how, answer);
          // Another client's ids answer exactly like unknown ones (compared after a refusal,
          // which changed nothing; a success may have changed what the second request finds).
          const text = JSON.stringify(body) ?? '';
          if (answer.status >= 400 && endpoint.plane !== 'admin' && other.ids.some((id) => text.includes(JSON.stringify(id)))) {
            const unknown = withUnknownIds(body, other.ids);
            const twin = await send(endpoint, unknown, how, member.credentials);
            expectSound(endpoint, unknown, how, twin);
            const outcome = (a: Sent) => ({ status: a.status, code: a.body?.error_code ?? null, message: a.body?.error_message ?? null });
            expect(outcome(answer), `${endpoint.path} ${text.slice(0, 400)}`).toEqual(outcome(twin));
          }
        },
      ),
      { numRuns: CASES, seed, endOnFailure: true },
    );

    console.log(
      `fuzz: seed ${seed}, ${stats.cases} cases, ${stats.requests} requests, ${stats.endpoints.size} of ${endpoints.length} endpoints, ` +
        `${stats.codes.size} error codes (${[...stats.codes].sort().join(', ')}), statuses ${JSON.stringify(Object.fromEntries(stats.statuses))}, ` +
        `5xx: ${stats.serverErrors}, writes after a refusal: ${stats.writesAfterRefusal}, clients: ${members.length + 1}`,
    );
    expect(stats.endpoints.size).toBe(endpoints.length);
  });
});
