import { describe, expect, it } from 'vitest';
import { durationMs, durationSchema, parseDuration } from './duration.js';

describe('parseDuration', () => {
  it.each([
    ['500ms', 500],
    ['30s', 30_000],
    ['5m', 300_000],
    ['24h', 86_400_000],
    ['7d', 604_800_000],
    ['30d', 2_592_000_000],
    ['0s', 0],
    ['1ms', 1],
  ])('parses %s as %d ms', (text, ms) => {
    expect(parseDuration(text)).toBe(ms);
  });

  it.each(['', '5', 'h', '1.5h', '-1s', ' 5s', '5s ', '5 s', '5S', '5w', '1h30m', '5sec'])(
    'returns undefined for %j',
    (text) => {
      expect(parseDuration(text)).toBeUndefined();
    },
  );
});

describe('durationMs', () => {
  it('returns the milliseconds of a valid duration', () => {
    expect(durationMs('10s')).toBe(10_000);
  });

  it('throws a TypeError naming the malformed text', () => {
    expect(() => durationMs('ten seconds')).toThrow(TypeError);
    expect(() => durationMs('ten seconds')).toThrow('not a duration: ten seconds');
  });
});

describe('durationSchema', () => {
  it('accepts positive durations and keeps them as text', () => {
    expect(durationSchema.parse('24h')).toBe('24h');
    expect(durationSchema.parse('1ms')).toBe('1ms');
  });

  it('rejects zero', () => {
    const result = durationSchema.safeParse('0d');
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((issue) => issue.message)).toEqual([
      'must be greater than zero',
    ]);
  });

  it('rejects malformed text with the format message', () => {
    const result = durationSchema.safeParse('1 day');
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((issue) => issue.message)).toContain(
      'must be a duration such as 500ms, 30s, 5m, 24h or 7d',
    );
  });

  it('rejects non-strings', () => {
    expect(durationSchema.safeParse(30).success).toBe(false);
  });
});
