import { Hono } from 'hono';
import type { EnvironmentService } from '../../app/environment-service.js';
import { callerOf } from '../caller.js';
import type { HttpEnv } from '../http-env.js';

/** Read-only views of the platform itself: the type catalogue and rejected claim files. */
export function platformRoutes(options: { service: EnvironmentService }): Hono<HttpEnv> {
  const { service } = options;
  const routes = new Hono<HttpEnv>();
  routes.get('/environment-types', async (c) => {
    const catalogue = await service.listTypes(callerOf(c));
    return c.json({ items: Object.entries(catalogue).map(([name, type]) => ({ name, ...type })) });
  });
  routes.get('/rejected-claims', async (c) => {
    const rejected = await service.listRejected(callerOf(c));
    return c.json({
      items: rejected.map((entry) => ({
        bucket: entry.bucket,
        key: entry.key,
        reasons: entry.reasons,
        observed_at: entry.observedAt,
      })),
    });
  });
  return routes;
}
