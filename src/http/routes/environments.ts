import type * as definitions from '../../api/routes/environments.js';
import type { DeploymentApi } from '../../app/deployment-api.js';
import type { EnvironmentService, Precondition } from '../../app/environment-service.js';
import type { EnvironmentView } from '../../app/environment-view.js';
import { NotFoundError } from '../../domain/errors.js';
import { callerOf } from '../caller.js';
import { jsonResponse } from '../json-response.js';
import type { RouteHandlers } from '../mount-routes.js';
import { readJson } from '../read-json.js';

const quote = (etag: string): string => `"${etag}"`;

/** `If-Match: "etag"` → the etag; `*` or absent → no precondition (RFC 9110 §13.1.1). */
function preconditionOf(header: string | undefined): Precondition {
  if (header === undefined || header.trim() === '*') return {};
  return {
    ifMatch: header
      .trim()
      .replace(/^W\//, '')
      .replace(/^"(.*)"$/, '$1'),
  };
}

/** `/api/v1/environments`: the claim lifecycle of the seed's "Platform API". */
export function environmentHandlers(options: {
  service: EnvironmentService;
  deployments?: DeploymentApi | undefined;
}): RouteHandlers<typeof definitions> {
  const { service } = options;
  const deployments = (): DeploymentApi => {
    if (!options.deployments) {
      throw new NotFoundError(
        'no environment deployer is configured (deploy.catalogue and deploy.registry)',
      );
    }
    return options.deployments;
  };
  const etagHeader = (view: EnvironmentView) => ({ etag: quote(view.status.etag) });

  return {
    createEnvironment: async (c) => {
      const view = await service.create(callerOf(c), await readJson(c));
      return jsonResponse(view, 201, {
        ...etagHeader(view),
        location: `/api/v1/environments/${view.environment_name}`,
      });
    },

    listEnvironments: async (c) => c.json(await service.list(callerOf(c), c.req.query())),

    getEnvironment: async (c) => {
      const view = await service.get(callerOf(c), c.req.param('name') as string);
      return jsonResponse(view, 200, etagHeader(view));
    },

    updateEnvironment: async (c) => {
      const view = await service.patch(
        callerOf(c),
        c.req.param('name') as string,
        await readJson(c),
        preconditionOf(c.req.header('if-match')),
      );
      return jsonResponse(view, 200, etagHeader(view));
    },

    deleteEnvironment: async (c) => {
      await service.delete(
        callerOf(c),
        c.req.param('name') as string,
        preconditionOf(c.req.header('if-match')),
      );
      return c.body(null, 204);
    },

    environmentHistory: async (c) =>
      c.json(await deployments().history(callerOf(c), c.req.param('name') as string)),

    rollbackEnvironment: async (c) =>
      c.json(
        await deployments().rollback(callerOf(c), c.req.param('name') as string, await readJson(c)),
      ),
  };
}
