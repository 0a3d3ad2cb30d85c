import type { Context } from 'hono';
import { InputError, UnsupportedMediaTypeError } from '../domain/errors.js';
import type { HttpEnv } from './http-env.js';
import { protoKeyProblem } from '../domain/shared/proto-keys.js';
import { readBodyText } from './read-body.js';
import { requestHeader } from './node-headers.js';

/**
 * Reads a JSON request body. Accepts `application/json`, `application/merge-patch+json`
 * and any `+json` type; a body over `MAX_BODY_BYTES` is refused with 413.
 */
export async function readJson(c: Context<HttpEnv>): Promise<unknown> {
  const type = requestHeader(c, 'content-type')?.split(';')[0]?.trim().toLowerCase();
  if (type !== 'application/json' && !type?.endsWith('+json')) {
    throw new UnsupportedMediaTypeError(
      `Content-Type must be application/json (got ${type ?? 'none'})`,
    );
  }
  const text = await readBodyText(c);
  if (text.trim() === '')
    throw new InputError('The request body is empty; a JSON object is required');
  let body: unknown;
  try {
    body = JSON.parse(text) as unknown;
  } catch (error) {
    throw new InputError(`Malformed JSON: ${(error as Error).message}`);
  }
  const protoKey = protoKeyProblem(text, body);
  if (protoKey) throw new InputError('Invalid body: a field would be lost', [protoKey]);
  return body;
}
