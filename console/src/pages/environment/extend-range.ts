import { latestAllowedExpiry } from '../../../../src/domain/claims/expiry.js';
import type { EnvironmentType } from '../../../../src/domain/environment-types/environment-type.js';
import { durationMs } from '../../../../src/domain/shared/duration.js';

/**
 * The expiry an environment may be given: after now, and at most the type's `maximum`
 * after its `creation_date` (the rule `decideExpiry` applies on the server). `never`: the
 * type does not expire at all; `closed`: the maximum has already passed.
 */
export type ExtendRange =
  | { readonly kind: 'never' }
  | { readonly kind: 'closed'; readonly latest: Date; readonly maximum: string }
  | {
      readonly kind: 'open';
      readonly earliest: Date;
      readonly latest: Date;
      readonly maximum: string;
      /** The type's default lifetime, or `null` when it has none. */
      readonly default: string | null;
    };

/** What the range depends on: a type's expiry policy (`null`: never expires). */
export interface ExpiryLimits {
  readonly expiry: { readonly default: string | null; readonly maximum: string } | null;
}

export function extendRange(type: ExpiryLimits, creationDate: string, now: number): ExtendRange {
  const policy = type.expiry;
  if (policy === null) return { kind: 'never' };
  // The domain's own rule; it reads only `expiry.maximum`.
  const latest = latestAllowedExpiry(new Date(creationDate), type as EnvironmentType);
  if (latest === null) return { kind: 'never' };
  // The server refuses a date that is not in the future; a minute of slack for the round trip.
  const earliest = new Date(Math.ceil((now + 60_000) / 60_000) * 60_000);
  if (earliest.getTime() > latest.getTime()) {
    return { kind: 'closed', latest, maximum: policy.maximum };
  }
  return { kind: 'open', earliest, latest, maximum: policy.maximum, default: policy.default };
}

const UNIT_WORDS: Record<string, string> = {
  d: 'day',
  h: 'hour',
  m: 'minute',
  s: 'second',
  ms: 'millisecond',
};

/** A lifetime in words, in the unit the type states it: `24h` → `24 hours`, `7d` → `7 days`. */
export function durationWords(text: string): string {
  durationMs(text); // throws on anything that is not a duration
  const [, amount = '', unit = ''] = /^(\d+)(ms|s|m|h|d)$/.exec(text) ?? [];
  return `${amount} ${UNIT_WORDS[unit] ?? unit}${amount === '1' ? '' : 's'}`;
}

const pad = (value: number) => String(value).padStart(2, '0');

/** The `value` of an `<input type="datetime-local">` for a date, in the browser's time zone. */
export function toLocalInput(date: Date): string {
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}T${pad(
    date.getHours(),
  )}:${pad(date.getMinutes())}`;
}

/**
 * An `<input type="datetime-local">` value (local time) as the RFC 3339 UTC timestamp the
 * API takes; `undefined` when empty or not a date.
 */
export function fromLocalInput(value: string): string | undefined {
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2})?$/.test(value)) return undefined;
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) return undefined;
  return date.toISOString().replace('.000Z', 'Z');
}

/** Only http(s) repositories become links: `git@…` and `ssh://` are shown as text. */
export function webUrlOf(repository: string | undefined): string | undefined {
  if (repository === undefined) return undefined;
  try {
    const url = new URL(repository);
    return url.protocol === 'https:' || url.protocol === 'http:' ? url.href : undefined;
  } catch {
    return undefined;
  }
}
