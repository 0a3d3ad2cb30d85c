import { Hono } from 'hono';
import type { AccessCompilerApi } from '../../app/access-compiler-api.js';
import { callerOf } from '../caller.js';
import type { HttpEnv } from '../http-env.js';
import { methodNotAllowed } from '../method-not-allowed.js';

/** `/api/v1/access/{render,plan,users/{user},who-can}`: the access compiler for admins. */
export function accessCompilerRoutes(options: { api: AccessCompilerApi }): Hono<HttpEnv> {
  const { api } = options;
  const routes = new Hono<HttpEnv>();
  routes.get('/access/render', async (c) => c.json(await api.render(callerOf(c), c.req.query())));
  routes.post('/access/render', async (c) => c.json(await api.apply(callerOf(c))));
  routes.get('/access/plan', async (c) => c.json(await api.plan(callerOf(c))));
  routes.get('/access/users/:user', async (c) =>
    c.json(await api.explainUser(callerOf(c), c.req.param('user'))),
  );
  routes.get('/access/who-can', async (c) => c.json(await api.whoCan(callerOf(c), c.req.query())));
  routes.all('/access/render', methodNotAllowed(['GET', 'POST']));
  routes.all('/access/plan', methodNotAllowed(['GET']));
  routes.all('/access/users/:user', methodNotAllowed(['GET']));
  routes.all('/access/who-can', methodNotAllowed(['GET']));
  return routes;
}
