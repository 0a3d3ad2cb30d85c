import { Hono } from 'hono';
import type { ServiceTokenService } from '../../app/service-token-service.js';
import type { ServiceTokenCreated } from '../../domain/service-tokens/service-token-schema.js';
import { callerOf } from '../caller.js';
import type { HttpEnv } from '../http-env.js';
import { methodNotAllowed } from '../method-not-allowed.js';
import { readJson } from '../read-json.js';

// The documents of these routes, for the OpenAPI document (`.meta({ id })` registered).
export {
  serviceTokenCreateSchema,
  serviceTokenCreatedSchema,
  serviceTokenListSchema,
  serviceTokenViewSchema,
} from '../../domain/service-tokens/service-token-schema.js';

/**
 * `/api/v1/service-tokens`: the admin API of CI tokens. The token appears in exactly one
 * response, the 201 of its creation, which no cache may keep (RFC 9111 §5.2.2.5; RFC 6749
 * §5.1 asks the same of token responses).
 */
export function serviceTokenRoutes(options: { service: ServiceTokenService }): Hono<HttpEnv> {
  const { service } = options;
  const routes = new Hono<HttpEnv>();

  routes.post('/', async (c) => {
    const { token, record } = await service.create(callerOf(c), await readJson(c));
    const body: ServiceTokenCreated = { ...record, token };
    return c.json(body, 201, {
      location: `/api/v1/service-tokens/${record.id}`,
      'cache-control': 'no-store',
    });
  });

  routes.get('/', async (c) => c.json({ items: await service.list(callerOf(c)) }));

  routes.get('/:id', async (c) => c.json(await service.get(callerOf(c), c.req.param('id'))));

  routes.delete('/:id', async (c) => {
    await service.revoke(callerOf(c), c.req.param('id'));
    return c.body(null, 204);
  });

  routes.all('/', methodNotAllowed(['GET', 'POST']));
  routes.all('/:id', methodNotAllowed(['GET', 'DELETE']));
  return routes;
}
