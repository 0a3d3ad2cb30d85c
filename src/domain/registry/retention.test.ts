import { describe, expect, it } from 'vitest';
import { isExpired, manifestAge } from './retention.js';

const NOW = new Date('2026-12-06T12:00:00Z');
const DAY = 86_400_000;
const created = (iso: string) => ({ 'org.opencontainers.image.created': iso });

describe('manifestAge', () => {
  it('prefers the push annotation to the config (a reproducible build dates itself 1970)', () => {
    expect(manifestAge(created('2026-12-06T10:00:00Z'), '1970-01-01T00:00:00Z')).toEqual({
      known: true,
      created: new Date('2026-12-06T10:00:00Z'),
      from: 'annotation',
    });
    expect(manifestAge({}, '2026-12-01T00:00:00.123456789+02:00')).toMatchObject({
      known: true,
      from: 'config',
    });
  });

  it('is unknown, with the reason, when nothing or nothing readable dates it', () => {
    expect(manifestAge({}, undefined)).toMatchObject({ known: false, reason: /no .* annotation/ });
    expect(manifestAge(created('yesterday'), '2020-01-01T00:00:00Z')).toMatchObject({
      known: false,
      reason: /not an RFC 3339 time/,
    });
    expect(manifestAge({}, '2020-01-01')).toMatchObject({ known: false });
  });
});

describe('isExpired', () => {
  it('holds past the limit only, and never for an unknown age', () => {
    const at = (iso: string) => manifestAge(created(iso), undefined);
    expect(isExpired(at('2026-12-05T11:59:59Z'), NOW, DAY)).toBe(true);
    expect(isExpired(at('2026-12-05T12:00:00Z'), NOW, DAY)).toBe(false);
    expect(isExpired(at('2026-12-07T00:00:00Z'), NOW, DAY)).toBe(false);
    expect(isExpired(manifestAge({}, undefined), NOW, 0)).toBe(false);
  });
});
