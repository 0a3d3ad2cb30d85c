import { z } from 'zod';

const UNIT_MS = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;
const DURATION = /^(\d+)(ms|s|m|h|d)$/;

/** Parses `500ms`, `30s`, `5m`, `24h`, `7d` into milliseconds; `undefined` if malformed. */
export function parseDuration(text: string): number | undefined {
  const match = DURATION.exec(text);
  if (!match) return undefined;
  const [, amount, unit] = match;
  return Number(amount) * UNIT_MS[unit as keyof typeof UNIT_MS];
}

/** A duration written as `<integer><ms|s|m|h|d>`, e.g. `30s` or `7d`. Kept as text. */
export const durationSchema = z
  .string()
  .regex(DURATION, { message: 'must be a duration such as 500ms, 30s, 5m, 24h or 7d', abort: true })
  .refine((text) => (parseDuration(text) ?? 0) > 0, 'must be greater than zero');

export function durationMs(text: string): number {
  const ms = parseDuration(text);
  if (ms === undefined) throw new TypeError(`not a duration: ${text}`);
  return ms;
}
