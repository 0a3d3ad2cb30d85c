import type { z } from 'zod';
import type * as definitions from '../../api/routes/meta.js';
import type { loginConfigSchema } from '../../api/schemas/session.js';
import type { AccessService } from '../../app/access-service.js';
import { callerOf } from '../caller.js';
import type { RouteHandlers } from '../mount-routes.js';
import { assertReady } from '../middleware/require-ready.js';
import { NotFoundError } from '../../domain/errors.js';
import { metricsHandler, type RenderMetrics } from './metrics.js';

/** Probes, the OpenAPI document, the sign-in settings, and the caller itself. */
export function metaHandlers(options: {
  isReady: () => boolean;
  openApi: () => Record<string, unknown>;
  loginConfig: z.infer<typeof loginConfigSchema>;
  accessService: AccessService;
  /** Renders `GET /metrics`; absent: not served on this app (disabled, or on `metrics.port`). */
  metrics?: RenderMetrics | undefined;
}): RouteHandlers<typeof definitions> {
  const { metrics } = options;
  return {
    healthz: (c) => c.json({ status: 'ok' }),
    readyz: (c) => {
      assertReady(options.isReady);
      return c.json({ status: 'ready' });
    },
    openApiDocument: (c) => c.json(options.openApi()),
    loginConfig: (c) => c.json(options.loginConfig),
    whoAmI: async (c) => c.json(await options.accessService.whoAmI(callerOf(c))),
    metrics: metrics
      ? metricsHandler(metrics)
      : () => {
          throw new NotFoundError('Metrics are not served on this port (see metrics.port)');
        },
  };
}
