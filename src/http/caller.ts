import type { Context } from 'hono';
import type { Caller } from '../ports/principal.js';
import type { HttpEnv } from './http-env.js';

/** The authenticated principal of a request, with its request id for the audit log. */
export function callerOf(c: Context<HttpEnv>): Caller {
  return { ...c.get('principal'), requestId: c.get('requestId') };
}
