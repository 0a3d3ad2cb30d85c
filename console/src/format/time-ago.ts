const UNITS: readonly [Intl.RelativeTimeFormatUnit, number][] = [
  ['day', 86_400_000],
  ['hour', 3_600_000],
  ['minute', 60_000],
  ['second', 1_000],
];

const relative = new Intl.RelativeTimeFormat('en', { numeric: 'auto' });

/**
 * `5 minutes ago`, `in 2 hours`, `now`: the largest whole unit of the distance from `now`
 * to `instant`. An instant that does not parse is returned as it is.
 */
export function timeAgo(instant: string, now: number): string {
  const at = Date.parse(instant);
  if (Number.isNaN(at)) return instant;
  const distance = at - now;
  for (const [unit, size] of UNITS) {
    if (Math.abs(distance) >= size) return relative.format(Math.trunc(distance / size), unit);
  }
  return 'now';
}

/** `2026-12-07 05:01:02 UTC`: the same instant for every reader, whatever their zone. */
export function absoluteTime(instant: string): string {
  const at = Date.parse(instant);
  if (Number.isNaN(at)) return instant;
  return `${new Date(at).toISOString().slice(0, 19).replace('T', ' ')} UTC`;
}
