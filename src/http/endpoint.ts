import type { Context, Hono } from 'hono';
import type { z } from 'zod';
import { Storage } from '../db';
import type { Client } from '../domain/clients';
import { ProgramGateway } from '../durable/gateway';
import type { Env } from '../env';
import { errors } from '../errors';
import { loadSecrets, type Secrets } from '../secrets';
import type { Actor } from '../domain/actor';
import { authenticate, type Plane } from './auth';
import { readJsonObject } from './body';
import { parseRequest } from './validation';

export type AppEnv = { Bindings: Env; Variables: { requestId: string } };
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

export interface Endpoint<P extends Plane, S extends z.ZodType> {
  path: string;
  plane: P;
  request: S;
  /** Largest accepted body, if not the default (http/body.ts). */
  maxBodyBytes?: number;
  /** Returns the response body without `request_id`, which is added here. */
  handle(ctx: EndpointContext<P, z.output<S>>): Promise<object>;
}

/** The only version of the Plaid API this network serves. */
export const PLAID_VERSION = '2020-09-14';

/** Registers a `POST` endpoint. Every endpoint goes through the same steps, in order:
 * configuration, JSON body, credentials of its plane, request schema, handler. */
export function register<P extends Plane, S extends z.ZodType>(app: App, endpoint: Endpoint<P, S>): void {
  app.post(endpoint.path, async (c: Context<AppEnv>) => {
    const secrets = await loadSecrets(c.env);
    const version = c.req.header('plaid-version');
    if (version !== undefined && version !== PLAID_VERSION) {
      throw errors.invalidField(`Plaid-Version ${version} is not served; this network serves ${PLAID_VERSION} only`);
    }
    const body = await readJsonObject(c.req.raw, endpoint.maxBodyBytes);
    const { storage, programs } = requestStorage(c.env);
    const { client, actor } = await authenticate(endpoint.plane, c.req.raw.headers, body, storage, secrets);
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
    if (c.env.D1_USAGE_HEADER === 'on') c.header(USAGE_HEADER, usageHeader(storage, programs));
    return c.json({ ...result, request_id: c.get('requestId') });
  });
}

/** The databases and the way to programs of one request, counted by one meter. */
export function requestStorage(env: Env): { storage: Storage; programs: ProgramGateway } {
  const storage = new Storage(env);
  return { storage, programs: new ProgramGateway(env, storage) };
}

/** For the benchmark only (`D1_USAGE_HEADER = "on"`): what a request cost in D1. */
export const USAGE_HEADER = 'Beacon-D1-Usage';

export function usageHeader(storage: Storage, programs: ProgramGateway): string {
  const { roundTrips, rowsRead, rowsWritten, unmetered } = storage.meter.snapshot();
  return `round_trips=${roundTrips}; object_round_trips=${programs.objectRoundTrips}; rows_read=${rowsRead}; rows_written=${rowsWritten}; unmetered=${unmetered}`;
}
