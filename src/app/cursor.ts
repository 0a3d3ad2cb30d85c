import { InputError } from '../domain/errors.js';

// Opaque to clients: base64url of the last name served, versioned so the format can change.
const PREFIX = 'v1:';

export function encodeCursor(lastName: string): string {
  return Buffer.from(`${PREFIX}${lastName}`, 'utf8').toString('base64url');
}

export function decodeCursor(cursor: string): string {
  const text = Buffer.from(cursor, 'base64url').toString('utf8');
  if (!text.startsWith(PREFIX) || text.length === PREFIX.length) {
    throw new InputError('Invalid cursor', [
      { path: 'cursor', message: 'not a cursor returned by this API' },
    ]);
  }
  return text.slice(PREFIX.length);
}
