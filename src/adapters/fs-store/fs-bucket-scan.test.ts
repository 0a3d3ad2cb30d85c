import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { etagOf } from './fs-bucket-scan.js';

/** The token as it was first defined: fixed-width hex pieces, concatenated. */
function concatenated(info: { mtimeMs: number; size: number; ino: number }): string {
  const ms = Math.floor(info.mtimeMs);
  const subMs = Math.round((info.mtimeMs - ms) * 1e6);
  const low32Hex = (value: number) => (value % 0x1_0000_0000).toString(16).padStart(8, '0');
  return (
    ms.toString(16).padStart(11, '0') +
    subMs.toString(16).padStart(5, '0') +
    low32Hex(info.size) +
    low32Hex(info.ino)
  );
}

const stats = (mtimeMs: fc.Arbitrary<number>) =>
  fc.record({
    mtimeMs,
    size: fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }),
    ino: fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }),
  });

describe('etagOf', () => {
  it('is the same token as before for every file dated from 1970 to 2500', () => {
    const until2500 = 16_725_225_600_000;
    fc.assert(
      fc.property(stats(fc.double({ min: 0, max: until2500, noNaN: true })), (info) => {
        expect(etagOf(info)).toBe(concatenated(info));
      }),
    );
  });

  it('gives 32 hex digits, different per mtime, for a file dated before 1970', () => {
    const old = { mtimeMs: -86_400_000.25, size: 10, ino: 7 };
    expect(etagOf(old)).toMatch(/^[0-9a-f]{32}$/);
    expect(etagOf(old)).not.toBe(etagOf({ ...old, mtimeMs: -86_400_000.5 }));
    expect(etagOf(old)).not.toBe(etagOf({ ...old, mtimeMs: 86_400_000.25 }));
  });
});
