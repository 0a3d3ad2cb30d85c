import type { Context } from 'hono';
import type { HttpEnv } from './http-env.js';

/**
 * Header access that skips the fetch `Headers` objects when the request came through
 * @hono/node-server. `c.req.header()` makes the adapter copy every incoming header into a
 * `Headers` (validating each), and `c.header()` makes Hono build another for the response:
 * on `GET /environments/{name}` the two cost more than the handler (bench/scale.js).
 * Requests made with `app.request()` (tests) have no Node objects and take Hono's path.
 */
export function requestHeader(c: Context<HttpEnv>, name: string): string | undefined {
  const incoming = (c.env as HttpEnv['Bindings'] | undefined)?.incoming;
  if (!incoming) return c.req.header(name);
  const value = incoming.headers[name];
  return Array.isArray(value) ? value.join(', ') : value;
}

/** Sets a response header on every response of the request, whatever the handler returns. */
export function setResponseHeader(c: Context<HttpEnv>, name: string, value: string): void {
  const outgoing = (c.env as HttpEnv['Bindings'] | undefined)?.outgoing;
  // Node merges these with the headers the adapter passes to writeHead.
  if (outgoing && !outgoing.headersSent) outgoing.setHeader(name, value);
  else c.header(name, value);
}
