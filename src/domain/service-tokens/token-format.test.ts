import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  formatServiceToken,
  hashServiceToken,
  isServiceTokenId,
  newServiceTokenParts,
  parseServiceToken,
} from './token-format.js';

const fixed = (byte: number) => (size: number) => new Uint8Array(size).fill(byte);

describe('service token format', () => {
  it('is pst_<16 hex>_<43 base64url> from 8 and 32 random bytes', () => {
    const parts = newServiceTokenParts(fixed(0xff));
    expect(parts.id).toBe('ffffffffffffffff');
    expect(parts.secret).toBe('_'.repeat(42) + '8');
    expect(formatServiceToken(parts)).toBe(`pst_ffffffffffffffff_${'_'.repeat(42)}8`);
  });

  it('round-trips through parse, also when the secret contains _ and -', () => {
    for (let i = 0; i < 200; i++) {
      const parts = newServiceTokenParts(randomBytes);
      expect(formatServiceToken(parts)).toMatch(/^pst_[0-9a-f]{16}_[A-Za-z0-9_-]{43}$/);
      expect(parseServiceToken(formatServiceToken(parts))).toEqual(parts);
    }
    const tricky = { id: '0123456789abcdef', secret: `_-${'a'.repeat(39)}_-` };
    expect(parseServiceToken(formatServiceToken(tricky))).toEqual(tricky);
  });

  it('refuses a random source that returns the wrong number of bytes', () => {
    expect(() => newServiceTokenParts(() => new Uint8Array(4))).toThrow(TypeError);
  });

  it.each([
    ['empty', ''],
    ['prefix only', 'pst_'],
    ['upper-case id', `pst_0123456789ABCDEF_${'a'.repeat(43)}`],
    ['short id', `pst_0123456789abcde_${'a'.repeat(43)}`],
    ['short secret', `pst_0123456789abcdef_${'a'.repeat(42)}`],
    ['long secret', `pst_0123456789abcdef_${'a'.repeat(44)}`],
    ['padding', `pst_0123456789abcdef_${'a'.repeat(42)}=`],
    ['other prefix', `pat_0123456789abcdef_${'a'.repeat(43)}`],
    ['trailing newline', `pst_0123456789abcdef_${'a'.repeat(43)}\n`],
  ])('parse refuses a malformed token (%s)', (_label, token) => {
    expect(parseServiceToken(token)).toBeUndefined();
  });

  it('hashes the whole token like `printf %s TOKEN | sha256sum`', () => {
    const token = formatServiceToken(newServiceTokenParts(randomBytes));
    const output = execFileSync('sh', ['-c', 'printf %s "$1" | sha256sum', 'sh', token], {
      encoding: 'utf8',
    });
    expect(hashServiceToken(token)).toBe(output.split(' ')[0]);
  });

  it('knows an id when it sees one', () => {
    expect(isServiceTokenId('0123456789abcdef')).toBe(true);
    expect(isServiceTokenId('0123456789abcdeg')).toBe(false);
    expect(isServiceTokenId('../../etc/passwd')).toBe(false);
  });
});
