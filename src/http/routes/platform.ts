import type * as definitions from '../../api/routes/platform.js';
import type { EnvironmentService } from '../../app/environment-service.js';
import { callerOf } from '../caller.js';
import type { RouteHandlers } from '../mount-routes.js';

/** Read-only views of the platform itself: the type catalogue and rejected claim files. */
export function platformHandlers(options: {
  service: EnvironmentService;
}): RouteHandlers<typeof definitions> {
  const { service } = options;
  return {
    listEnvironmentTypes: async (c) => {
      const catalogue = await service.listTypes(callerOf(c));
      return c.json({
        items: Object.entries(catalogue).map(([name, type]) => ({
          name,
          ...type,
          version_constraints: service.versionConstraints(name),
        })),
      });
    },
    listRejectedClaims: async (c) => {
      const rejected = await service.listRejected(callerOf(c));
      return c.json({
        items: rejected.map((entry) => ({
          bucket: entry.bucket,
          key: entry.key,
          reasons: entry.reasons,
          observed_at: entry.observedAt,
        })),
      });
    },
  };
}
