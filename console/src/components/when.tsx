import { absoluteTime, timeAgo } from '../format/time-ago.js';

/** An instant both ways: `5 minutes ago` and, beside it, the UTC time it stands for. */
export function When({ at, now }: { at: string; now: number }) {
  return (
    <span class="when">
      <time dateTime={at}>{timeAgo(at, now)}</time> <span class="muted">({absoluteTime(at)})</span>
    </span>
  );
}
