/** ISO 8601 UTC with `Z`, to the second, as Plaid's timestamps are (and as every stored
 * timestamp is, so that they compare as text). */
export function timestampAt(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

export function nowTimestamp(): string {
  return timestampAt(Date.now());
}

/** Today's date in UTC, `YYYY-MM-DD`. */
export function today(): string {
  return new Date().toISOString().slice(0, 10);
}
