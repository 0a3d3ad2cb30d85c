import { Hono } from 'hono';
import type { z } from 'zod';
import type { AccessCompilerApi } from '../../app/access-compiler-api.js';
import type {
  accessPlanSchema,
  renderedAccessSchema,
  userAccessSchema,
  whoCanSchema,
} from '../access-compiler-schemas.js';
import { callerOf } from '../caller.js';
import type { HttpEnv } from '../http-env.js';
import { methodNotAllowed } from '../method-not-allowed.js';

// The bodies are typed by the documented schemas, so the OpenAPI document cannot drift
// from what the use cases return without the typecheck failing.
type Frozen<T> = T extends (infer U)[]
  ? readonly Frozen<U>[]
  : T extends object
    ? { readonly [K in keyof T]: Frozen<T[K]> }
    : T;
type Rendered = Frozen<z.infer<typeof renderedAccessSchema>>;
type Plan = Frozen<z.infer<typeof accessPlanSchema>>;
type UserAccess = Frozen<z.infer<typeof userAccessSchema>>;
type WhoCan = Frozen<z.infer<typeof whoCanSchema>>;

/** `/api/v1/access/{render,plan,users/{user},who-can}`: the access compiler for admins. */
export function accessCompilerRoutes(options: { api: AccessCompilerApi }): Hono<HttpEnv> {
  const { api } = options;
  const routes = new Hono<HttpEnv>();
  routes.get('/access/render', async (c) => {
    const body: Rendered = await api.render(callerOf(c), c.req.query());
    return c.json(body);
  });
  routes.post('/access/render', async (c) => {
    const body: Plan = await api.apply(callerOf(c));
    return c.json(body);
  });
  routes.get('/access/plan', async (c) => {
    const body: Plan = await api.plan(callerOf(c));
    return c.json(body);
  });
  routes.get('/access/users/:user', async (c) => {
    const body: UserAccess = await api.explainUser(callerOf(c), c.req.param('user'));
    return c.json(body);
  });
  routes.get('/access/who-can', async (c) => {
    const body: WhoCan = await api.whoCan(callerOf(c), c.req.query());
    return c.json(body);
  });
  routes.all('/access/render', methodNotAllowed(['GET', 'POST']));
  routes.all('/access/plan', methodNotAllowed(['GET']));
  routes.all('/access/users/:user', methodNotAllowed(['GET']));
  routes.all('/access/who-can', methodNotAllowed(['GET']));
  return routes;
}
