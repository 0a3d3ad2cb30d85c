import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { timestampSchema } from '../claims/claim-schema.js';
import { formatTimestamp } from './timestamp.js';

describe('formatTimestamp', () => {
  it('writes whole seconds without milliseconds, as the seed does', () => {
    expect(formatTimestamp(new Date('2024-01-15T10:30:00Z'))).toBe('2024-01-15T10:30:00Z');
  });

  it('keeps milliseconds when they are not zero', () => {
    expect(formatTimestamp(new Date('2024-01-15T10:30:00.120Z'))).toBe('2024-01-15T10:30:00.120Z');
    expect(formatTimestamp(new Date(Date.UTC(2024, 0, 15, 10, 30, 0, 1)))).toBe(
      '2024-01-15T10:30:00.001Z',
    );
  });

  it('converts an offset to UTC', () => {
    expect(formatTimestamp(new Date('2024-01-15T12:30:00+02:00'))).toBe('2024-01-15T10:30:00Z');
  });

  it('round-trips through Date and is accepted by the claim timestamp schema', () => {
    fc.assert(
      fc.property(
        fc.date({
          min: new Date('1970-01-01T00:00:00Z'),
          max: new Date('9999-12-31T23:59:59Z'),
          noInvalidDate: true,
        }),
        (date) => {
          const text = formatTimestamp(date);
          expect(new Date(text).getTime()).toBe(date.getTime());
          expect(text.endsWith('.000Z')).toBe(false);
          expect(timestampSchema.safeParse(text).success).toBe(true);
        },
      ),
    );
  });
});
