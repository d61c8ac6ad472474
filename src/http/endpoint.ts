import type { Context, Hono } from 'hono';
import type { z } from 'zod';
import { Storage, type D1Usage } from '../db';
import type { Client } from '../domain/clients';
import { ProgramGateway } from '../durable/gateway';
import type { Env } from '../env';
import { errors } from '../errors';
import type { PlaidResponse, PlaidResponseBody } from '../schemas/plaid';
import { loadSecrets, type Secrets } from '../secrets';
import type { Actor } from '../domain/actor';
import { authenticate, hasAdminToken, recognisedFromHeaders, type Plane } from './auth';
import { readJsonObject } from './body';
import { parseRequest } from './validation';

export type AppEnv = {
  Bindings: Env;
  /** `usage`: what the request has cost in D1 so far, for the Beacon-D1-Usage header. */
  Variables: { requestId: string; usage?: () => RequestUsage };
};
export type App = Hono<AppEnv>;

export interface EndpointContext<P extends Plane, I> {
  input: I;
  env: Env;
  /** The databases, counted for this request. */
  storage: Storage;
  /** The way to programs' Durable Objects. */
  programs: ProgramGateway;
  secrets: Secrets;
  requestId: string;
  /** Where the request came to (scheme, host, port), for links in answers. */
  origin: string;
  /** The calling member company; `null` on the admin plane. */
  client: P extends 'admin' ? null : Client;
  /** Who is acting, for audit trails. */
  actor: Actor;
  waitUntil(promise: Promise<unknown>): void;
}

/** What an endpoint answers: one of Plaid's response schemas, or (dashboard and admin
 * planes, this project's contract) a zod schema. */
export type ResponseContract = PlaidResponse | z.ZodType;

/** The API plane answers with Plaid's schemas only. */
type ContractOf<P extends Plane> = P extends 'api' ? PlaidResponse : ResponseContract;

/** The body a handler returns for its contract. */
export type ResponseBody<R extends ResponseContract> = R extends PlaidResponse<infer N, infer E> ? PlaidResponseBody<N, E> : R extends z.ZodType ? z.input<R> : never;

/** An endpoint as the reference (`/openapi.json`) and the tests see it. */
export interface RegisteredEndpoint {
  path: string;
  plane: Plane;
  /** One line: what the endpoint does. */
  summary: string;
  request: z.ZodType;
  response: ResponseContract;
  /** Largest accepted body, if not the default (http/body.ts). */
  maxBodyBytes?: number;
}

export interface Endpoint<P extends Plane, S extends z.ZodType, R extends ContractOf<P>> extends RegisteredEndpoint {
  plane: P;
  request: S;
  response: R;
  /** Returns the response body without `request_id`, which is added here. */
  handle(ctx: EndpointContext<P, z.output<S>>): Promise<ResponseBody<R>>;
}

const registries = new WeakMap<App, RegisteredEndpoint[]>();

/** The endpoints registered on `app`, in the order they were registered. */
export function endpointsOf(app: App): readonly RegisteredEndpoint[] {
  return registries.get(app) ?? [];
}

/** The only version of the Plaid API this network serves. */
export const PLAID_VERSION = '2020-09-14';

/** Registers a `POST` endpoint. Every endpoint goes through the same steps, in order:
 * configuration, JSON body, credentials of its plane, request schema, handler. */
export function register<P extends Plane, S extends z.ZodType, R extends ContractOf<P>>(app: App, endpoint: Endpoint<P, S, R>): void {
  const { path, plane, summary, request, response, maxBodyBytes } = endpoint;
  let registered = registries.get(app);
  if (!registered) registries.set(app, (registered = []));
  registered.push({ path, plane, summary, request, response, ...(maxBodyBytes ? { maxBodyBytes } : {}) });
  app.post(endpoint.path, async (c: Context<AppEnv>) => {
    const secrets = await loadSecrets(c.env);
    const version = c.req.header('plaid-version');
    if (version !== undefined && version !== PLAID_VERSION) {
      throw errors.invalidField(`Plaid-Version ${version} is not served; this network serves ${PLAID_VERSION} only`);
    }
    // Nothing unauthenticated is read, parsed or looked up in D1 before the per-source limit:
    // the admin token is checked first, and a client's request skips the limit only when this
    // isolate recognises its header credentials without a read.
    const headers = c.req.raw.headers;
    if (endpoint.plane === 'admin') {
      if (!(await hasAdminToken(headers, secrets))) {
        await admitSource(c.env, headers);
        throw errors.invalidAdminToken();
      }
    } else if (!(await recognisedFromHeaders(headers, secrets))) {
      await admitSource(c.env, headers);
    }
    const body = await readJsonObject(c.req.raw, endpoint.maxBodyBytes);
    const { storage, programs, usage } = requestStorage(c.env);
    c.set('usage', usage);
    const { client, actor } = await authenticate(endpoint.plane, headers, body, storage, secrets);
    if (client && !(await c.env.CLIENT_RATE_LIMITER.limit({ key: client.id })).success) throw errors.rateLimited();
    const input = parseRequest(endpoint.request, body);
    const result = await endpoint.handle({
      input,
      env: c.env,
      storage,
      programs,
      secrets,
      requestId: c.get('requestId'),
      origin: new URL(c.req.url).origin,
      client: client as EndpointContext<P, z.output<S>>['client'],
      actor,
      waitUntil: (promise) => c.executionCtx.waitUntil(promise),
    });
    return c.json({ ...(result as object), request_id: c.get('requestId') });
  });
}

/** What a request has cost in D1 so far (the Beacon-D1-Usage header, app.ts). */
export type RequestUsage = D1Usage & { objectRoundTrips: number };

/** The databases and the way to programs of one request, counted by one meter, and what
 * they have cost (for the request's `usage`). */
export function requestStorage(env: Env): { storage: Storage; programs: ProgramGateway; usage: () => RequestUsage } {
  const storage = new Storage(env);
  const programs = new ProgramGateway(env, storage);
  return { storage, programs, usage: () => ({ ...storage.meter.snapshot(), objectRoundTrips: programs.objectRoundTrips }) };
}

/** For the benchmark and the tests only (`D1_USAGE_HEADER = "on"`, never on production, where
 * rows written would tell a member that a match was held): what a request cost in D1, on
 * every answer, refusals included (a refusal before any storage says zeros). */
export const USAGE_HEADER = 'Beacon-D1-Usage';

export function usageHeader(usage: RequestUsage | undefined): string {
  const { roundTrips = 0, objectRoundTrips = 0, rowsRead = 0, rowsWritten = 0, unmetered = 0 } = usage ?? {};
  return `round_trips=${roundTrips}; object_round_trips=${objectRoundTrips}; rows_read=${rowsRead}; rows_written=${rowsWritten}; unmetered=${unmetered}`;
}

/** The address a request comes from: Cloudflare's edge sets `CF-Connecting-IP` (a client
 * cannot). Local runs have none. */
export const clientAddress = (headers: Headers): string | null => headers.get('cf-connecting-ip');

/** The source a request counts against: its address; local runs share one. */
const sourceOf = (headers: Headers): string => clientAddress(headers) ?? 'unknown';

/** Counts a request against its source's limit (`SOURCE_RATE_LIMITER`): false once over it. */
export async function sourceAdmitted(env: Env, headers: Headers): Promise<boolean> {
  return (await env.SOURCE_RATE_LIMITER.limit({ key: sourceOf(headers) })).success;
}

async function admitSource(env: Env, headers: Headers): Promise<void> {
  if (!(await sourceAdmitted(env, headers))) throw errors.sourceRateLimited();
}
