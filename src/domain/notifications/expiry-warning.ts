import type { EnvironmentTypeCatalogue } from '../environment-types/catalogue.js';
import { durationMs } from '../shared/duration.js';

/** What a read shows about an environment's expiry at one instant. */
export interface ExpiryStatus {
  /**
   * Whole seconds until `expires_at`, rounded down; `0` once it has passed (expired, not yet
   * reaped), never negative; `null` for an environment that does not expire.
   */
  readonly expires_in: number | null;
  /** Inside the type's `expiry.warnBefore` window, or already expired; `false` without expiry. */
  readonly expiring: boolean;
}

/** The status of an environment that never expires: the same object for every read. */
export const NO_EXPIRY: ExpiryStatus = Object.freeze({ expires_in: null, expiring: false });

/**
 * The warning window of an environment type in milliseconds; `null` for a type that never
 * expires or that the catalogue does not know (such a claim is rejected anyway).
 */
export function warnBeforeMs(catalogue: EnvironmentTypeCatalogue, type: string): number | null {
  const expiry = Object.hasOwn(catalogue, type) ? catalogue[type]?.expiry : undefined;
  return expiry ? durationMs(expiry.warnBefore) : null;
}

/** The longest warning window of any type: how far ahead the warning loop must look. */
export function longestWarnBeforeMs(catalogue: EnvironmentTypeCatalogue): number {
  let longest = 0;
  for (const type of Object.values(catalogue)) {
    if (type.expiry) longest = Math.max(longest, durationMs(type.expiry.warnBefore));
  }
  return longest;
}

/**
 * `expires_in` and `expiring` for an expiry at `expiresAt` seen at `now`. Pure; the caller
 * passes its clock's time, so a read and the warning loop agree on the window.
 */
export function expiryStatus(
  expiresAt: Date | null,
  now: Date,
  warnBefore: number | null,
): ExpiryStatus {
  if (expiresAt === null) return NO_EXPIRY;
  const left = expiresAt.getTime() - now.getTime();
  return {
    expires_in: Math.max(0, Math.floor(left / 1000)),
    expiring: left <= 0 || (warnBefore !== null && left <= warnBefore),
  };
}
