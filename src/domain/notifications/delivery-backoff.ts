/** How the sender spaces its attempts at one delivery. */
export interface BackoffPolicy {
  /** The wait after the first failure; doubled after each further one. */
  readonly baseMs: number;
  /** No wait is longer than this, a `Retry-After` included. */
  readonly maxMs: number;
}

/**
 * The wait before attempt `failures + 1`: exponential (`base · 2^(failures-1)`), capped at
 * `max`. A receiver's `Retry-After` (RFC 9110 §10.2.3) replaces the computed wait when it
 * asks for longer, still capped, so a sink that is busy is not hammered and a wrong header
 * cannot park an event for a day. Deterministic (no jitter): with one sender per platform
 * there is no herd to spread.
 */
export function retryDelayMs(
  failures: number,
  policy: BackoffPolicy,
  retryAfterMs?: number,
): number {
  const exponent = Math.min(Math.max(failures - 1, 0), 30);
  const computed = Math.min(policy.baseMs * 2 ** exponent, policy.maxMs);
  return retryAfterMs === undefined
    ? computed
    : Math.min(Math.max(computed, retryAfterMs), policy.maxMs);
}

/**
 * A `Retry-After` header in milliseconds: delay-seconds or an HTTP date (RFC 9110 §10.2.3);
 * `undefined` when absent or unreadable, never negative.
 */
export function parseRetryAfter(value: string | null | undefined, now: Date): number | undefined {
  if (value === null || value === undefined) return undefined;
  const text = value.trim();
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  const at = Date.parse(text);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now.getTime());
}
