import type { Handler } from 'hono';
import { problemResponse } from './problem.js';
import type { HttpEnv } from './http-env.js';

/** 405 with the `Allow` header (RFC 9110 §15.5.6) for a path that exists. */
export function methodNotAllowed(allowed: readonly string[]): Handler<HttpEnv> {
  return (c) => {
    c.header('allow', allowed.join(', '));
    return problemResponse(c, {
      type: 'about:blank',
      title: 'Method Not Allowed',
      status: 405,
      detail: `${c.req.method} is not supported on ${c.req.path}; use ${allowed.join(', ')}`,
      instance: c.req.path,
      request_id: c.get('requestId'),
    });
  };
}
