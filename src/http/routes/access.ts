import type { z } from 'zod';
import type * as definitions from '../../api/routes/access.js';
import type {
  accessPlanSchema,
  renderedAccessSchema,
  userAccessSchema,
  whoCanSchema,
} from '../../api/schemas/access-compiler.js';
import type { AccessCompilerApi } from '../../app/access-compiler-api.js';
import type { AccessService } from '../../app/access-service.js';
import { callerOf } from '../caller.js';
import type { RouteHandlers } from '../mount-routes.js';

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

/** Who may do what, and why (`explain`, tenancy status); the access compiler for admins. */
export function accessHandlers(options: {
  service: AccessService;
  compiler: AccessCompilerApi;
}): RouteHandlers<typeof definitions> {
  const { service, compiler } = options;
  return {
    explainAccess: async (c) => c.json(await service.explain(callerOf(c), c.req.query())),
    tenancyStatus: async (c) => c.json(await service.tenancyStatus(callerOf(c))),
    renderAccess: async (c) => {
      const body: Rendered = await compiler.render(callerOf(c), c.req.query());
      return c.json(body);
    },
    applyAccess: async (c) => {
      const body: Plan = await compiler.apply(callerOf(c));
      return c.json(body);
    },
    planAccess: async (c) => {
      const body: Plan = await compiler.plan(callerOf(c));
      return c.json(body);
    },
    userAccess: async (c) => {
      const body: UserAccess = await compiler.explainUser(
        callerOf(c),
        c.req.param('user') as string,
      );
      return c.json(body);
    },
    whoCan: async (c) => {
      const body: WhoCan = await compiler.whoCan(callerOf(c), c.req.query());
      return c.json(body);
    },
  };
}
