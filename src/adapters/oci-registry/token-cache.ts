/** Tokens live this long when the token endpoint names no `expires_in` (Docker token spec). */
export const DEFAULT_TOKEN_SECONDS = 60;
/** Renew this long before expiry, so a token never expires between our check and its use. */
const MAX_MARGIN_MS = 10_000;

/**
 * Bearer tokens by key (realm, service and scope), each kept until `expires_in` minus a
 * margin of at most 10 s (half the lifetime for very short ones). Bounded: when full, the
 * oldest entry goes.
 */
export class TokenCache {
  readonly #entries = new Map<string, { token: string; expiresAt: number }>();

  constructor(
    private readonly now: () => number,
    private readonly maxEntries = 1_000,
  ) {}

  get(key: string): string | undefined {
    const entry = this.#entries.get(key);
    if (entry === undefined) return undefined;
    if (this.now() >= entry.expiresAt) {
      this.#entries.delete(key);
      return undefined;
    }
    return entry.token;
  }

  set(key: string, token: string, expiresInSeconds: number | undefined): void {
    const seconds =
      expiresInSeconds !== undefined && Number.isFinite(expiresInSeconds) && expiresInSeconds > 0
        ? expiresInSeconds
        : DEFAULT_TOKEN_SECONDS;
    const lifetime = seconds * 1000;
    const margin = Math.min(MAX_MARGIN_MS, lifetime / 2);
    this.#entries.delete(key);
    if (this.#entries.size >= this.maxEntries) {
      const oldest = this.#entries.keys().next();
      if (oldest.done !== true) this.#entries.delete(oldest.value);
    }
    this.#entries.set(key, { token, expiresAt: this.now() + lifetime - margin });
  }

  delete(key: string): void {
    this.#entries.delete(key);
  }
}
