import { createHash, timingSafeEqual } from 'node:crypto';
import type { MiddlewareHandler } from 'hono';
import { NotAuthenticatedError, NotFoundError } from '../../domain/errors.js';
import type { HttpEnv } from '../http-env.js';

const sha256 = (value: string): Buffer => createHash('sha256').update(value, 'utf8').digest();

/**
 * Whether `offered` equals `secret`, in time independent of where they differ: both are
 * hashed first, so the comparison is over equal-length digests and leaks no length either.
 */
export function secretMatches(offered: string, secret: string): boolean {
  return timingSafeEqual(sha256(offered), sha256(secret));
}

/**
 * Admits a machine sender by a shared secret instead of a user's token: `Authorization:
 * Bearer <secret>` (MinIO's `auth_token`), or, for senders that cannot set headers (a Ceph
 * RGW push endpoint, an SNS subscription URL), a `token` query parameter. The request log
 * records the path without its query, so the secret never reaches a log line. With no
 * secret configured the route answers 404: nothing can be accepted, and a 503 would only
 * make senders retry a configuration that is not coming.
 */
export function requireSharedSecret(options: {
  secret: string | undefined;
  /** Names the feature in the 404. */
  what: string;
}): MiddlewareHandler<HttpEnv> {
  return async (c, next) => {
    if (options.secret === undefined) {
      throw new NotFoundError(`${options.what} are not enabled on this server`);
    }
    const header = c.req.header('authorization');
    const offered =
      header === undefined ? c.req.query('token') : /^Bearer +(\S+) *$/i.exec(header)?.[1];
    if (offered === undefined || !secretMatches(offered, options.secret)) {
      throw new NotAuthenticatedError('A valid shared secret is required');
    }
    await next();
  };
}
