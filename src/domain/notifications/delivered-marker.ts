/**
 * The body of a delivered marker, the outbox's record that an event was sent (it keeps the
 * same `expiring` warning from going out twice): `{"keepUntil": <RFC 3339>}`. One format
 * for every outbox adapter.
 */
export function deliveredMarkerBody(keepUntil: Date): string {
  return `${JSON.stringify({ keepUntil: keepUntil.toISOString() })}\n`;
}

/**
 * Whether a marker with this body may be removed at `now`. An unreadable marker is kept: it
 * blocks at most a repeat of one warning, whereas removing it could let one go out twice.
 */
export function markerExpired(body: string, now: Date): boolean {
  let value: unknown;
  try {
    value = JSON.parse(body);
  } catch {
    return false;
  }
  const keepUntil = (value as { keepUntil?: unknown } | null)?.keepUntil;
  const until = typeof keepUntil === 'string' ? Date.parse(keepUntil) : Number.NaN;
  return !Number.isNaN(until) && until < now.getTime();
}
