import { createHash, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import { decodeProtectedHeader, importJWK, jwtVerify, type JWK } from 'jose';
import { expect } from 'vitest';
import { listenOnFreePort, type PortRange } from '../../scripts/local-worker.mjs';

// What end-to-end tests share: calls to a running Worker as a member's backend makes them,
// and webhook receivers that verify like a Plaid customer.

export interface Credentials {
  client_id: string;
  secret: string;
}

/** Calls to the Worker at `baseUrl`; each expects a 200 and returns the body. */
export function callsTo(baseUrl: string, adminToken: string) {
  async function post<T = any>(path: string, body: object, headers: Record<string, string> = {}): Promise<T> {
    const response = await fetch(`${baseUrl}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
    const answer = (await response.json()) as T;
    expect(response.status, `${path}: ${JSON.stringify(answer)}`).toBe(200);
    return answer;
  }
  return {
    post,
    admin: <T = any>(path: string, body: object = {}) => post<T>(path, body, { authorization: `Bearer ${adminToken}` }),
    api: <T = any>(c: Credentials, path: string, body: object) => post<T>(path, body, { 'PLAID-CLIENT-ID': c.client_id, 'PLAID-SECRET': c.secret }),
    dashboard: <T = any>(c: Credentials, path: string, body: object) => post<T>(path, { ...c, dashboard_user_id: 'analyst-1', ...body }),
  };
}
export type Calls = ReturnType<typeof callsTo>;

/** Plaid's recipe (plaid.com/docs/api/webhooks/webhook-verification): decode the JWT header
 * unverified, require ES256, fetch the JWK by `kid` (cached, refetched while not expired),
 * reject an expired key, verify the signature, require `iat` within 5 minutes, and compare
 * the SHA-256 of the body with `request_body_sha256` in constant time. */
export function plaidVerifier(calls: Calls, credentials: Credentials) {
  const keys = new Map<string, JWK & { expired_at: number | null }>();
  return async function verify(body: string, headers: IncomingHttpHeaders): Promise<void> {
    const jwt = headers['plaid-verification'];
    if (typeof jwt !== 'string') throw new Error('no Plaid-Verification header');
    const header = decodeProtectedHeader(jwt);
    if (header.alg !== 'ES256') throw new Error(`alg ${header.alg} is not ES256`);
    const kid = header.kid!;
    if (!keys.has(kid)) {
      const { key } = await calls.api<{ key: JWK & { expired_at: number | null } }>(credentials, '/webhook_verification_key/get', { key_id: kid });
      keys.set(kid, key);
    }
    const key = keys.get(kid)!;
    if (key.expired_at !== null) throw new Error('the key has expired');
    const { payload } = await jwtVerify(jwt, await importJWK(key, 'ES256'), { algorithms: ['ES256'], maxTokenAge: '5 min' });
    if (Math.abs(Date.now() / 1000 - (payload.iat ?? 0)) > 5 * 60) throw new Error('iat is not within 5 minutes');
    const actual = Buffer.from(createHash('sha256').update(body).digest('hex'));
    const claimed = Buffer.from(String(payload.request_body_sha256));
    if (actual.length !== claimed.length || !timingSafeEqual(actual, claimed)) throw new Error('the body does not match request_body_sha256');
  };
}

export interface Delivery {
  eventId: string;
  attempt: number;
  body: string;
  json: Record<string, string>;
  headers: IncomingHttpHeaders;
  /** The answer the receiver gave. */
  status: number;
  verified: boolean;
  error?: string;
}

/** A member company's webhook endpoint: node:http on 127.0.0.1. It answers 500 to the first
 * `failFirst` requests (to be retried), then 200 to whatever verifies and 401 otherwise. */
export class Receiver {
  readonly deliveries: Delivery[] = [];
  readonly verify: ReturnType<typeof plaidVerifier>;
  failFirst = 0;
  private server!: Server;
  url = '';

  constructor(
    calls: Calls,
    readonly credentials: Credentials,
  ) {
    this.verify = plaidVerifier(calls, credentials);
  }

  async start(ports: PortRange): Promise<this> {
    this.server = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', async () => {
        const body = Buffer.concat(chunks).toString('utf8');
        let verified = false;
        let error: string | undefined;
        try {
          await this.verify(body, request.headers);
          verified = true;
        } catch (e) {
          error = (e as Error).message;
        }
        const status = this.deliveries.length < this.failFirst ? 500 : verified ? 200 : 401;
        this.deliveries.push({
          eventId: String(request.headers['beacon-event-id']),
          attempt: Number(request.headers['beacon-delivery-attempt']),
          body,
          json: JSON.parse(body),
          headers: request.headers,
          status,
          verified,
          ...(error ? { error } : {}),
        });
        response.writeHead(status).end();
      });
    });
    this.url = `http://127.0.0.1:${await listenOnFreePort(this.server, ports)}/webhooks/beacon`;
    return this;
  }

  stop(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  /** Waits (bounded) until `done` holds for what was received. */
  async until(done: (deliveries: Delivery[]) => boolean, timeoutMs = 20_000): Promise<Delivery[]> {
    const deadline = Date.now() + timeoutMs;
    while (!done(this.deliveries)) {
      if (Date.now() > deadline) throw new Error(`timed out; received: ${JSON.stringify(this.deliveries.map((d) => [d.json, d.status, d.error]))}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    return this.deliveries;
  }
}

/** A person no other test creates, so that no one else's report or user matches them. */
export function person() {
  const tag = crypto
    .randomUUID()
    .replace(/[^a-f]/g, '')
    .padEnd(12, 'q');
  const n = () => String(Math.floor(Math.random() * 10));
  return {
    date_of_birth: `19${6 + Math.floor(Math.random() * 3)}${n()}-0${1 + Math.floor(Math.random() * 9)}-1${n()}`,
    name: { given_name: `Ozzie${tag.slice(0, 5)}`, family_name: `Brackenridge${tag.slice(5, 11)}` },
    address: { street: `${100 + Math.floor(Math.random() * 800)} Larkspur Lane`, city: 'Pawnee', region: 'IN', postal_code: '46001', country: 'US' },
    email_address: `${tag}@example.com`,
    phone_number: `+1312555${n()}${n()}${n()}${n()}`,
    id_number: { value: `5${n()}${n()}${n()}${n()}${n()}${n()}${n()}${n()}`, type: 'us_ssn' },
    ip_address: `203.0.113.${1 + Math.floor(Math.random() * 250)}`,
  };
}
