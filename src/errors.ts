import type { ContentfulStatusCode } from 'hono/utils/http-status';

/** Plaid's `error_type` values that this network produces. */
export type ErrorType = 'INVALID_REQUEST' | 'INVALID_INPUT' | 'RATE_LIMIT_EXCEEDED' | 'API_ERROR';

/** Plain data form of an error, safe to pass across Durable Object RPC. */
export interface PlaidErrorData {
  status: ContentfulStatusCode;
  type: ErrorType;
  code: string;
  message: string;
}

/** The one error type of the project. Every failure a caller sees is one of these,
 * rendered into Plaid's error object by the app's error handler (docs/product.md §3). */
export class PlaidError extends Error {
  override name = 'PlaidError';
  constructor(
    readonly status: ContentfulStatusCode,
    readonly type: ErrorType,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }

  static from(data: PlaidErrorData): PlaidError {
    return new PlaidError(data.status, data.type, data.code, data.message);
  }

  toData(): PlaidErrorData {
    return { status: this.status, type: this.type, code: this.code, message: this.message };
  }

  body(requestId: string) {
    return {
      error_type: this.type,
      error_code: this.code,
      error_code_reason: null,
      error_message: this.message,
      display_message: null,
      request_id: requestId,
      causes: [],
      status: this.status,
      documentation_url: `https://plaid.com/docs/errors/${this.type.toLowerCase().replace(/_/g, '-')}/#${this.code.toLowerCase()}`,
      suggested_action: null,
    };
  }
}

const list = (fields: string[]) => fields.join(', ');

/** The catalogue of failures (docs/product.md §3), one constructor per case. */
export const errors = {
  invalidBody: (message: string) => new PlaidError(400, 'INVALID_REQUEST', 'INVALID_BODY', message),
  bodyTooLarge: (limit: number) => new PlaidError(413, 'INVALID_REQUEST', 'INVALID_BODY', `request body exceeds the limit of ${limit} bytes`),
  missingFields: (fields: string[]) => new PlaidError(400, 'INVALID_REQUEST', 'MISSING_FIELDS', `the following required fields are missing: ${list(fields)}`),
  unknownFields: (fields: string[]) => new PlaidError(400, 'INVALID_REQUEST', 'UNKNOWN_FIELDS', `the following fields are not recognized by this endpoint: ${list(fields)}`),
  invalidField: (message: string) => new PlaidError(400, 'INVALID_REQUEST', 'INVALID_FIELD', message),
  /** Unknown id and another client's id get this same answer. */
  notFound: (field: string) => new PlaidError(400, 'INVALID_REQUEST', 'INVALID_FIELD', `${field} not found`),
  /** A state rule refuses the call; the message says which rule. */
  refused: (rule: string) => new PlaidError(400, 'INVALID_REQUEST', 'INVALID_FIELD', rule),
  invalidApiKeys: () => new PlaidError(400, 'INVALID_INPUT', 'INVALID_API_KEYS', 'invalid client_id or secret provided'),
  invalidAdminToken: () => new PlaidError(401, 'INVALID_INPUT', 'INVALID_API_KEYS', 'missing or invalid admin token (Authorization: Bearer <ADMIN_TOKEN>)'),
  invalidUserToken: () => new PlaidError(400, 'INVALID_INPUT', 'INVALID_USER_TOKEN', 'user_token not found'),
  notSupported: (what: string) =>
    new PlaidError(
      400,
      'INVALID_REQUEST',
      'PRODUCT_NOT_SUPPORTED',
      `${what} is not supported by this network: it needs Plaid Items (bank connections made through Plaid Link), which Beacon Network does not have. Provide depository_accounts on the Beacon User instead.`,
    ),
  routeNotFound: (method: string, path: string) =>
    new PlaidError(404, 'INVALID_REQUEST', 'NOT_FOUND', `no endpoint for ${method} ${path}; every endpoint takes POST with a JSON body`),
  rateLimited: () => new PlaidError(429, 'RATE_LIMIT_EXCEEDED', 'RATE_LIMIT', 'too many requests for this client; retry after a short wait'),
  /** Too many unauthenticated or refused requests from one address. */
  sourceRateLimited: () => new PlaidError(429, 'RATE_LIMIT_EXCEEDED', 'RATE_LIMIT', 'too many unauthenticated or refused requests from this address; retry after a short wait'),
  internal: (message = 'an unexpected error occurred; retry the request, and contact the operator with the request_id if it persists') =>
    new PlaidError(500, 'API_ERROR', 'INTERNAL_SERVER_ERROR', message),
};

/** The result of work done across an RPC boundary, where a thrown PlaidError would
 * lose its class: failures travel as data and are thrown again on the caller's side. */
export type Outcome<T> = { ok: true; value: T } | { ok: false; error: PlaidErrorData };

export async function capture<T>(work: () => Promise<T>): Promise<Outcome<T>> {
  try {
    return { ok: true, value: await work() };
  } catch (error) {
    if (error instanceof PlaidError) return { ok: false, error: error.toData() };
    throw error;
  }
}

export function unwrap<T>(outcome: Outcome<T>): T {
  if (!outcome.ok) throw PlaidError.from(outcome.error);
  return outcome.value;
}
