/**
 * RFC 3339 timestamps in UTC, as the seed writes them (`2024-01-15T10:30:00Z`):
 * milliseconds only when they are not zero.
 */
export function formatTimestamp(date: Date): string {
  return date.toISOString().replace('.000Z', 'Z');
}
