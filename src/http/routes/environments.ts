import { Hono } from 'hono';
import type { DeploymentApi } from '../../app/deployment-api.js';
import type { EnvironmentService, Precondition } from '../../app/environment-service.js';
import { NotFoundError } from '../../domain/errors.js';
import type { EnvironmentView } from '../../app/environment-view.js';
import { callerOf } from '../caller.js';
import type { HttpEnv } from '../http-env.js';
import { jsonResponse } from '../json-response.js';
import { methodNotAllowed } from '../method-not-allowed.js';
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
export function environmentRoutes(options: {
  service: EnvironmentService;
  deployments?: DeploymentApi | undefined;
}): Hono<HttpEnv> {
  const { service } = options;
  const deployments = (): DeploymentApi => {
    if (!options.deployments) {
      throw new NotFoundError(
        'no environment deployer is configured (deploy.catalogue and deploy.registry)',
      );
    }
    return options.deployments;
  };
  const routes = new Hono<HttpEnv>();
  const etagHeader = (view: EnvironmentView) => ({ etag: quote(view.status.etag) });

  routes.post('/', async (c) => {
    const view = await service.create(callerOf(c), await readJson(c));
    return jsonResponse(view, 201, {
      ...etagHeader(view),
      location: `/api/v1/environments/${view.environment_name}`,
    });
  });

  routes.get('/', async (c) => c.json(await service.list(callerOf(c), c.req.query())));

  routes.get('/:name', async (c) => {
    const view = await service.get(callerOf(c), c.req.param('name'));
    return jsonResponse(view, 200, etagHeader(view));
  });

  routes.patch('/:name', async (c) => {
    const view = await service.patch(
      callerOf(c),
      c.req.param('name'),
      await readJson(c),
      preconditionOf(c.req.header('if-match')),
    );
    return jsonResponse(view, 200, etagHeader(view));
  });

  routes.delete('/:name', async (c) => {
    await service.delete(
      callerOf(c),
      c.req.param('name'),
      preconditionOf(c.req.header('if-match')),
    );
    return c.body(null, 204);
  });

  routes.get('/:name/history', async (c) =>
    c.json(await deployments().history(callerOf(c), c.req.param('name'))),
  );

  routes.post('/:name/rollback', async (c) =>
    c.json(await deployments().rollback(callerOf(c), c.req.param('name'), await readJson(c))),
  );

  routes.all('/', methodNotAllowed(['GET', 'POST']));
  routes.all('/:name/history', methodNotAllowed(['GET']));
  routes.all('/:name/rollback', methodNotAllowed(['POST']));
  routes.all('/:name', methodNotAllowed(['GET', 'PATCH', 'DELETE']));
  return routes;
}
