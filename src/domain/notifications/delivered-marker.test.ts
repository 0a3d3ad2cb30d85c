import { describe, expect, it } from 'vitest';
import { deliveredMarkerBody, markerExpired } from './delivered-marker.js';

describe('delivered markers', () => {
  const keepUntil = new Date('2026-12-08T10:00:00Z');
  const body = deliveredMarkerBody(keepUntil);

  it('expire only after keepUntil', () => {
    expect(markerExpired(body, new Date('2026-12-08T09:59:59Z'))).toBe(false);
    expect(markerExpired(body, keepUntil)).toBe(false);
    expect(markerExpired(body, new Date('2026-12-08T10:00:01Z'))).toBe(true);
  });

  it('keep a marker they cannot read', () => {
    const later = new Date('2030-01-01T00:00:00Z');
    for (const unreadable of ['', 'not json', 'null', '{}', '{"keepUntil":"soon"}', '[1]']) {
      expect(markerExpired(unreadable, later), unreadable).toBe(false);
    }
  });
});
