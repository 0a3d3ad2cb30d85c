import type { z } from 'zod';
import type * as definitions from '../../api/routes/meta.js';
import type { loginConfigSchema } from '../../api/schemas/session.js';
import type { AccessService } from '../../app/access-service.js';
import { callerOf } from '../caller.js';
import type { RouteHandlers } from '../mount-routes.js';
import { assertReady } from '../middleware/require-ready.js';

/** Probes, the OpenAPI document, the sign-in settings, and the caller itself. */
export function metaHandlers(options: {
  isReady: () => boolean;
  openApi: () => Record<string, unknown>;
  loginConfig: z.infer<typeof loginConfigSchema>;
  accessService: AccessService;
}): RouteHandlers<typeof definitions> {
  return {
    healthz: (c) => c.json({ status: 'ok' }),
    readyz: (c) => {
      assertReady(options.isReady);
      return c.json({ status: 'ready' });
    },
    openApiDocument: (c) => c.json(options.openApi()),
    loginConfig: (c) => c.json(options.loginConfig),
    whoAmI: async (c) => c.json(await options.accessService.whoAmI(callerOf(c))),
  };
}
