import type * as definitions from '../../api/routes/service-tokens.js';
import type { ServiceTokenService } from '../../app/service-token-service.js';
import type { ServiceTokenCreated } from '../../domain/service-tokens/service-token-schema.js';
import { callerOf } from '../caller.js';
import type { RouteHandlers } from '../mount-routes.js';
import { readJson } from '../read-json.js';

/**
 * `/api/v1/service-tokens`: the admin API of CI tokens. The token appears in exactly one
 * response, the 201 of its creation, which no cache may keep (RFC 9111 §5.2.2.5; RFC 6749
 * §5.1 asks the same of token responses).
 */
export function serviceTokenHandlers(options: {
  service: ServiceTokenService;
}): RouteHandlers<typeof definitions> {
  const { service } = options;
  return {
    createServiceToken: async (c) => {
      const { token, record } = await service.create(callerOf(c), await readJson(c));
      const body: ServiceTokenCreated = { ...record, token };
      return c.json(body, 201, {
        location: `/api/v1/service-tokens/${record.id}`,
        'cache-control': 'no-store',
      });
    },
    listServiceTokens: async (c) => c.json({ items: await service.list(callerOf(c)) }),
    getServiceToken: async (c) =>
      c.json(await service.get(callerOf(c), c.req.param('id') as string)),
    revokeServiceToken: async (c) => {
      await service.revoke(callerOf(c), c.req.param('id') as string);
      return c.body(null, 204);
    },
  };
}
