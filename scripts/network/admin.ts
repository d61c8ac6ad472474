/** The admin plane of a deployment, over HTTP, for the operator's CLI. Transient failures —
 * 429, 5xx, a lost connection, no answer in time — are retried with exponential backoff and
 * jitter (a 429's `Retry-After` is honoured); any other answer is the caller's to handle. */

/** Plaid's error object, as every plane answers a failure. */
export interface PlaidErrorBody {
  error_type: string;
  error_code: string;
  error_message: string;
  request_id?: string;
}

/** A failure the deployment answered (or the last of the retried ones). */
export class AdminError extends Error {
  override name = 'AdminError';
  constructor(
    readonly status: number,
    readonly body: PlaidErrorBody | null,
    message: string,
  ) {
    super(message);
  }

  get code(): string | undefined {
    return this.body?.error_code;
  }
}

/** The CLI was given something it cannot use (not the deployment's refusal). */
export class UsageError extends Error {
  override name = 'UsageError';
}

export interface RetryPolicy {
  /** Tries in all, the first included. */
  attempts: number;
  /** The first delay; each next is twice the last, up to `maxDelayMs`, with full jitter. */
  baseDelayMs: number;
  maxDelayMs: number;
  /** Each try's limit. */
  timeoutMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { attempts: 8, baseDelayMs: 500, maxDelayMs: 30_000, timeoutMs: 60_000 };

const transient = (status: number) => status === 429 || status >= 500;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export class AdminPlane {
  constructor(
    readonly url: string,
    private readonly token: string,
    private readonly retry: RetryPolicy = DEFAULT_RETRY,
    /** Told of each retry, e.g. to show it. */
    private readonly onRetry: (reason: string, delayMs: number) => void = () => {},
  ) {}

  /** `BEACON_URL` and `BEACON_ADMIN_TOKEN` from the environment. */
  static fromEnvironment(env: NodeJS.ProcessEnv = process.env, onRetry?: (reason: string, delayMs: number) => void): AdminPlane {
    const url = env.BEACON_URL?.replace(/\/+$/, '');
    const token = env.BEACON_ADMIN_TOKEN;
    if (!url) throw new UsageError('BEACON_URL is not set: the deployment’s base URL, e.g. https://beacon.example.com or http://127.0.0.1:8787');
    if (!/^https?:\/\//.test(url)) throw new UsageError(`BEACON_URL must be an http(s) URL, not ${JSON.stringify(url)}`);
    if (!token) throw new UsageError('BEACON_ADMIN_TOKEN is not set: the deployment’s ADMIN_TOKEN');
    return new AdminPlane(url, token, DEFAULT_RETRY, onRetry);
  }

  async call<T = Record<string, unknown>>(path: string, body: object = {}): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      let failure: AdminError;
      let retryAfterMs = 0;
      try {
        const response = await fetch(`${this.url}${path}`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${this.token}` },
          body: JSON.stringify(body),
          signal: AbortSignal.timeout(this.retry.timeoutMs),
        });
        const text = await response.text();
        const json = parseJson(text);
        if (response.ok && json) return json as T;
        const error = json && typeof json.error_code === 'string' ? (json as unknown as PlaidErrorBody) : null;
        failure = new AdminError(response.status, error, error ? `${error.error_code}: ${error.error_message}` : `HTTP ${response.status} from ${path}: ${text.slice(0, 200)}`);
        if (!transient(response.status)) throw failure;
        retryAfterMs = Number(response.headers.get('retry-after') ?? 0) * 1000 || 0;
      } catch (error) {
        if (error instanceof AdminError && !transient(error.status)) throw error;
        failure = error instanceof AdminError ? error : new AdminError(0, null, `no answer from ${this.url}${path}: ${(error as Error).message}`);
      }
      if (attempt >= this.retry.attempts) throw failure;
      const backoff = Math.min(this.retry.maxDelayMs, this.retry.baseDelayMs * 2 ** (attempt - 1));
      const delay = Math.max(retryAfterMs, Math.random() * backoff);
      this.onRetry(failure.message, delay);
      await sleep(delay);
    }
  }
}

function parseJson(text: string): Record<string, unknown> | null {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}
