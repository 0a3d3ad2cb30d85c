import type { MiddlewareHandler } from 'hono';
import { NotAuthenticatedError } from '../../domain/errors.js';
import type { Authenticator } from '../../ports/authenticator.js';
import type { HttpEnv } from '../http-env.js';
import { requestHeader } from '../node-headers.js';

/** Requires a principal on every request it guards; 401 otherwise, with no hint why. */
export function authenticate(options: {
  authenticator: Authenticator;
}): MiddlewareHandler<HttpEnv> {
  return async (c, next) => {
    const principal = await options.authenticator.authenticate({
      authorization: requestHeader(c, 'authorization'),
    });
    if (!principal) throw new NotAuthenticatedError('A valid bearer token is required');
    c.set('principal', principal);
    await next();
  };
}
