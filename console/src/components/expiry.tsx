import { useEffect, useState } from 'preact/hooks';

/** `3h 20m`, `2d 4h`, `45s`: the two largest units of a positive span. */
export function spanText(ms: number): string {
  const seconds = Math.max(0, Math.round(ms / 1000));
  const units: readonly [string, number][] = [
    ['d', 86_400],
    ['h', 3_600],
    ['m', 60],
    ['s', 1],
  ];
  const parts: string[] = [];
  let rest = seconds;
  for (const [unit, size] of units) {
    if (rest >= size || (parts.length === 0 && unit === 's')) {
      parts.push(`${Math.floor(rest / size)}${unit}`);
      rest %= size;
    }
    if (parts.length === 2) break;
  }
  return parts.join(' ');
}

/** Re-renders the caller every `everyMs` so countdowns move. */
export function useNow(everyMs = 30_000): number {
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), everyMs);
    return () => clearInterval(timer);
  }, [everyMs]);
  return now;
}

/**
 * "expires in 3h 20m", highlighted when the server says the environment is inside its
 * type's warning window (`status.expiring`), "no expiry" for one that does not expire.
 */
export function Expiry({
  expiresAt,
  expiring,
  now,
}: {
  expiresAt: string | null;
  expiring: boolean;
  now: number;
}) {
  if (expiresAt === null) return <span class="muted">no expiry</span>;
  const left = Date.parse(expiresAt) - now;
  const text = left > 0 ? `expires in ${spanText(left)}` : 'expired, deletion pending';
  return (
    <time dateTime={expiresAt} title={expiresAt} class={expiring ? 'expiring' : undefined}>
      {expiring && <span class="visually-hidden">Warning: </span>}
      {text}
    </time>
  );
}
