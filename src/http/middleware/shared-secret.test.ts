import { describe, expect, it } from 'vitest';
import { secretMatches } from './shared-secret.js';

describe('secretMatches', () => {
  it('matches only the exact secret, whatever the lengths', () => {
    expect(secretMatches('s3cret', 's3cret')).toBe(true);
    for (const offered of ['', 's3cre', 's3cret ', 'S3CRET', 's3cret\u0000', 'x'.repeat(10_000)]) {
      expect(secretMatches(offered, 's3cret'), JSON.stringify(offered)).toBe(false);
    }
  });
});
