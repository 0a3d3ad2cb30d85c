import type { HttpBindings } from '@hono/node-server';
import type { Principal } from '../ports/principal.js';

/** What middleware puts on the Hono context for the handlers after it. */
export interface HttpEnv {
  /**
   * The Node request and response when served by @hono/node-server; absent (and `c.env`
   * possibly undefined) in `app.request()`.
   */
  Bindings: Partial<HttpBindings>;
  Variables: {
    requestId: string;
    principal: Principal;
  };
}
