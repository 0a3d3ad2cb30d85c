import { COMMON_RESPONSES, defineRoute, jsonResponse } from '../route-definition.js';
import { environmentTypeListSchema, rejectedClaimListSchema } from '../schemas/environments.js';

/** Read-only views of the platform itself: the type catalogue and rejected claim files. */
export const listEnvironmentTypes = defineRoute({
  operationId: 'listEnvironmentTypes',
  method: 'get',
  path: '/api/v1/environment-types',
  summary: 'The environment type catalogue',
  auth: 'bearer',
  responses: { 200: jsonResponse(environmentTypeListSchema, 'All types'), ...COMMON_RESPONSES },
});

export const listRejectedClaims = defineRoute({
  operationId: 'listRejectedClaims',
  method: 'get',
  path: '/api/v1/rejected-claims',
  summary: 'Documents in the buckets that are not served as environments, and why',
  auth: 'bearer',
  responses: {
    200: jsonResponse(rejectedClaimListSchema, 'All rejected documents'),
    ...COMMON_RESPONSES,
  },
});
