import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InputError } from '../domain/errors.js';
import { decodeCursor, encodeCursor } from './cursor.js';

function decodeError(cursor: string): InputError {
  try {
    decodeCursor(cursor);
  } catch (error) {
    expect(error).toBeInstanceOf(InputError);
    return error as InputError;
  }
  throw new Error(`expected ${JSON.stringify(cursor)} to be refused`);
}

describe('cursor', () => {
  it('round-trips a name', () => {
    expect(decodeCursor(encodeCursor('dev-team1-feature-x'))).toBe('dev-team1-feature-x');
  });

  it('is base64url of a versioned prefix and the name', () => {
    const cursor = encodeCursor('sue-poc');
    expect(cursor).toBe(Buffer.from('v1:sue-poc').toString('base64url'));
    expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(cursor).not.toContain('sue-poc');
  });

  it('round-trips any non-empty string', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', minLength: 1, maxLength: 80 }), (name) => {
        const cursor = encodeCursor(name);
        expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/);
        expect(decodeCursor(cursor)).toBe(name);
      }),
    );
  });

  it.each([
    ['garbage', '!!!not-a-cursor!!!'],
    ['empty', ''],
    ['a bare name', 'dev-x'],
    ['another version', Buffer.from('v2:dev-x').toString('base64url')],
    ['the prefix alone', Buffer.from('v1:').toString('base64url')],
    ['the name without prefix', Buffer.from('dev-x').toString('base64url')],
  ])('refuses %s with an InputError on cursor', (_label, cursor) => {
    const error = decodeError(cursor);
    expect(error.message).toBe('Invalid cursor');
    expect(error.code).toBe('INPUT');
    expect(error.errors).toEqual([
      { path: 'cursor', message: 'not a cursor returned by this API' },
    ]);
  });
});
