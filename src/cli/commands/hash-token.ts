import { text } from 'node:stream/consumers';
import { hashToken } from '../../adapters/token-authenticator/static-token-authenticator.js';
import { InputError } from '../../domain/errors.js';

/** Reads a token from stdin (not argv, which other users can see in `ps`) and prints its hash. */
export async function hashTokenFromStdin(): Promise<void> {
  const token = (await text(process.stdin)).trim();
  if (token === '')
    throw new InputError('no token on stdin; try: printf %s "$TOKEN" | platformctl hash-token');
  process.stdout.write(`${hashToken(token)}\n`);
}
