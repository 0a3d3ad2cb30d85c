import type { Context } from 'hono';
import { InputError, UnsupportedMediaTypeError } from '../domain/errors.js';

/**
 * Reads a JSON request body. Accepts `application/json`, `application/merge-patch+json`
 * and any `+json` type; the body size is already bounded by the body-limit middleware.
 */
export async function readJson(c: Context): Promise<unknown> {
  const type = c.req.header('content-type')?.split(';')[0]?.trim().toLowerCase();
  if (type !== 'application/json' && !type?.endsWith('+json')) {
    throw new UnsupportedMediaTypeError(
      `Content-Type must be application/json (got ${type ?? 'none'})`,
    );
  }
  const text = await c.req.text();
  if (text.trim() === '')
    throw new InputError('The request body is empty; a JSON object is required');
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new InputError(`Malformed JSON: ${(error as Error).message}`);
  }
}
