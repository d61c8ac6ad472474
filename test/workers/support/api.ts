import { env } from 'cloudflare:test';
import { exports } from 'cloudflare:workers';
import { expect } from 'vitest';

export interface Answer<T = any> {
  status: number;
  body: T;
  /** What the request cost in D1 (the Beacon-D1-Usage header; tests run with it on). */
  usage?: Record<string, number>;
}

/** POSTs a JSON body to the Worker, as a member company or the operator would. */
export async function post<T = any>(path: string, body: unknown, headers: Record<string, string> = {}): Promise<Answer<T>> {
  const response = await exports.default.fetch(`https://beacon.test${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as T, usage: usageOf(response.headers) };
}

/** What an answer cost in D1, from its Beacon-D1-Usage header (`round_trips=1; rows_read=2; …`). */
export function usageOf(headers: Headers): Record<string, number> {
  return Object.fromEntries(
    (headers.get('beacon-d1-usage') ?? '').split(';').flatMap((pair) => {
      const [name, value] = pair.trim().split('=');
      return name && value !== undefined ? [[name, Number(value)]] : [];
    }),
  );
}

/** The per-source limit of requests before authentication (vitest.config.ts: SOURCE_RATE_LIMITER). */
export const SOURCE_LIMIT = 100;
/** A source address of its own (as `CF-Connecting-IP`), for a test that exhausts its limit. */
export const newSource = () => `192.0.2.${Math.floor(Math.random() * 250)}-${crypto.randomUUID()}`;

export const adminHeaders = () => ({ authorization: `Bearer ${env.ADMIN_TOKEN}` });

export const admin = <T = any>(path: string, body: unknown = {}) => post<T>(path, body, adminHeaders());

export interface Credentials {
  client_id: string;
  secret: string;
}

export async function newClient(name = 'Test Co'): Promise<Credentials> {
  const { status, body } = await admin('/admin/client/create', { name });
  expect(status).toBe(200);
  return { client_id: body.client_id, secret: body.secret };
}

/** Each test client calls from its own address (as Cloudflare's edge says in
 * `CF-Connecting-IP`), so that the per-source limit of one test never meets another's. */
export const sourceOf = (client: Credentials) => `10.${[0, 2, 4].map((i) => parseInt(client.client_id.slice(i, i + 2), 16)).join('.')}`;

/** The headers a client sends: its credentials, as the plaid SDK does, and its address. */
export const clientHeaders = (client: Credentials) => ({ 'PLAID-CLIENT-ID': client.client_id, 'PLAID-SECRET': client.secret, 'CF-Connecting-IP': sourceOf(client) });

/** Calls the API plane with credentials in Plaid's headers. */
export const api = <T = any>(client: Credentials, path: string, body: unknown = {}) => post<T>(path, body, clientHeaders(client));

/** Calls the dashboard plane: credentials in the headers, the analyst's id in the body. */
export const dashboard = <T = any>(client: Credentials, path: string, body: Record<string, unknown> = {}) =>
  post<T>(path, { dashboard_user_id: 'analyst-1', ...body }, clientHeaders(client));

export async function newProgram(client: Credentials, settings?: Record<string, unknown>): Promise<string> {
  const { status, body } = await dashboard(client, '/dashboard/program/create', { name: 'Onboarding', settings });
  expect(status).toBe(200);
  return body.id;
}

/** Leslie Knope, as in Plaid's examples. */
export const leslie = () => ({
  date_of_birth: '1975-01-18',
  name: { given_name: 'Leslie', family_name: 'Knope' },
  address: { street: '123 Main St.', street2: 'Unit 42', city: 'Pawnee', region: 'IN', postal_code: '46001', country: 'US' },
  email_address: 'leslie@example.com',
  phone_number: '+19876543212',
  id_number: { value: '123456789', type: 'us_ssn' },
  ip_address: '192.0.2.42',
});

const pick = <T>(list: readonly T[]) => list[Math.floor(Math.random() * list.length)]!;
const digits = (n: number) => Array.from({ length: n }, () => Math.floor(Math.random() * 10)).join('');

/** A person nobody else in the test database is: tests share D1, so network matching
 * would otherwise find every other test's Leslie. Shaped like `leslie()`. */
export function stranger() {
  // Six random letters (a name has no digits: each becomes a letter), so no two strangers share a name.
  const letters = crypto
    .randomUUID()
    .slice(0, 6)
    .replace(/\d/g, (d) => 'ghijklmnop'[Number(d)]!);
  const family = `${pick(['Knope', 'Ludgate', 'Perkins', 'Haverford', 'Wyatt'])}${pick(['son', 'ley', 'ford', 'ski', 'berg'])}${letters}x`;
  const given = pick(['Leslie', 'April', 'Ann', 'Donna', 'Ben']);
  return {
    date_of_birth: `${1940 + Math.floor(Math.random() * 60)}-${String(1 + Math.floor(Math.random() * 12)).padStart(2, '0')}-${String(1 + Math.floor(Math.random() * 28)).padStart(2, '0')}`,
    name: { given_name: given, family_name: family },
    address: {
      street: `${1 + Math.floor(Math.random() * 9000)} ${pick(['Main', 'Elm', 'Oak', 'Pine'])} St.`,
      street2: null,
      city: 'Pawnee',
      region: 'IN',
      postal_code: digits(5),
      country: 'US',
    },
    email_address: `${given}.${family}@example.com`.toLowerCase(),
    phone_number: `+1312${digits(7)}`,
    id_number: { value: digits(9), type: 'us_ssn' as const },
    ip_address: `198.51.100.${Math.floor(Math.random() * 255)}`,
  };
}

export async function newBeaconUser(client: Credentials, programId: string, user: Record<string, unknown> = leslie(), clientUserId = `cu-${crypto.randomUUID()}`) {
  const answer = await api(client, '/beacon/user/create', { program_id: programId, client_user_id: clientUserId, user });
  expect(answer.status, JSON.stringify(answer.body)).toBe(200);
  return answer.body;
}

/** Expects a Plaid error with this status, type and code. */
export function expectError(answer: Answer, status: number, type: string, code: string, message?: RegExp): void {
  expect(answer.status, JSON.stringify(answer.body)).toBe(status);
  expect(answer.body).toMatchObject({ error_type: type, error_code: code, display_message: null });
  expect(answer.body.request_id).toMatch(/^[A-Za-z0-9]{15}$/);
  if (message) expect(answer.body.error_message).toMatch(message);
}
