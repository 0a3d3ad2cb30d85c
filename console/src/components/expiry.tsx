import { useEffect, useState } from 'preact/hooks';
import { spanText } from '../format/span-text.js';

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
