import { describe, expect, it } from 'vitest';
import { spanText } from '../../../console/src/format/span-text.js';

describe('spanText (the console’s countdowns)', () => {
  it.each([
    [0, '0s'],
    [45_000, '45s'],
    [90_000, '1m 30s'],
    [3 * 3_600_000 + 20 * 60_000 + 59_000, '3h 20m'],
    [3 * 3_600_000, '3h'],
    [2 * 86_400_000 + 4 * 3_600_000 + 5 * 60_000, '2d 4h'],
    [86_400_000 + 30 * 60_000, '1d 30m'],
    [-5_000, '0s'],
  ])('%i ms reads %s', (ms, text) => {
    expect(spanText(ms)).toBe(text);
  });
});
