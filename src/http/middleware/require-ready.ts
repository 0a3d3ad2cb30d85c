import type { MiddlewareHandler } from 'hono';
import { UnavailableError } from '../../domain/errors.js';
import type { HttpEnv } from '../http-env.js';

/** Until the index is loaded an empty list would be a lie: answer 503 with Retry-After. */
export function assertReady(isReady: () => boolean): void {
  if (!isReady()) {
    throw new UnavailableError('The claim index is still loading; retry shortly', {
      retryAfterSeconds: 1,
    });
  }
}

export function requireReady(options: { isReady: () => boolean }): MiddlewareHandler<HttpEnv> {
  // Not async: one promise fewer on every API request.
  return (_c, next) => {
    assertReady(options.isReady);
    return next();
  };
}
