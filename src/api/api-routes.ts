import * as access from './routes/access.js';
import * as audit from './routes/audit.js';
import * as bucketEvents from './routes/bucket-events.js';
import * as environments from './routes/environments.js';
import * as meta from './routes/meta.js';
import * as platform from './routes/platform.js';
import * as serviceTokens from './routes/service-tokens.js';

/** Every route of the Platform API, by operation id. The server must mount each one. */
export const API_ROUTES = {
  ...meta,
  ...environments,
  ...platform,
  ...access,
  ...audit,
  ...serviceTokens,
  ...bucketEvents,
};

export type ApiRoutes = typeof API_ROUTES;
export type OperationId = keyof ApiRoutes;
