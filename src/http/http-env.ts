import type { Principal } from '../ports/principal.js';

/** What middleware puts on the Hono context for the handlers after it. */
export interface HttpEnv {
  Variables: {
    requestId: string;
    principal: Principal;
  };
}
