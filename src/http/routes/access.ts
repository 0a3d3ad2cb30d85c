import { Hono } from 'hono';
import type { AccessService } from '../../app/access-service.js';
import { callerOf } from '../caller.js';
import type { HttpEnv } from '../http-env.js';
import { methodNotAllowed } from '../method-not-allowed.js';

/** `/api/v1/access/explain` and `/api/v1/tenancy/status`: who may do what, and why. */
export function accessRoutes(options: { service: AccessService }): Hono<HttpEnv> {
  const { service } = options;
  const routes = new Hono<HttpEnv>();
  routes.get('/access/explain', async (c) =>
    c.json(await service.explain(callerOf(c), c.req.query())),
  );
  routes.get('/tenancy/status', async (c) => c.json(await service.tenancyStatus(callerOf(c))));
  routes.all('/access/explain', methodNotAllowed(['GET']));
  routes.all('/tenancy/status', methodNotAllowed(['GET']));
  return routes;
}
