import { z } from 'zod';
import {
  serviceTokenCreateSchema,
  serviceTokenCreatedSchema,
  serviceTokenListSchema,
  serviceTokenViewSchema,
} from '../../domain/service-tokens/service-token-schema.js';
import {
  COMMON_RESPONSES,
  defineRoute,
  jsonResponse,
  problemResponse,
} from '../route-definition.js';

const tokenIdParamsSchema = z.strictObject({
  id: z
    .string()
    .regex(/^[0-9a-f]{16}$/)
    .meta({ description: 'The token id: the 16 hex characters after `pst_`.' }),
});

/**
 * `/api/v1/service-tokens`: the admin API of CI tokens. The token appears in exactly one
 * response, the 201 of its creation.
 */
export const createServiceToken = defineRoute({
  operationId: 'createServiceToken',
  method: 'post',
  path: '/api/v1/service-tokens',
  summary: 'Create a service token (shown once in the response)',
  description:
    'Needs `service-tokens:manage`. The response is the only place the token ever appears; it is sent with `Cache-Control: no-store`.',
  auth: 'bearer',
  body: { schema: serviceTokenCreateSchema },
  responses: {
    201: jsonResponse(serviceTokenCreatedSchema, 'Created; `Location` names the token'),
    ...COMMON_RESPONSES,
    413: problemResponse('Body over 1 MiB'),
    415: problemResponse('Not JSON'),
  },
});

export const listServiceTokens = defineRoute({
  operationId: 'listServiceTokens',
  method: 'get',
  path: '/api/v1/service-tokens',
  summary: 'List service tokens, revoked and expired ones included (never the tokens)',
  auth: 'bearer',
  responses: {
    200: jsonResponse(serviceTokenListSchema, 'Every token, oldest first'),
    ...COMMON_RESPONSES,
  },
});

export const getServiceToken = defineRoute({
  operationId: 'getServiceToken',
  method: 'get',
  path: '/api/v1/service-tokens/{id}',
  summary: 'Get a service token (never the token itself)',
  auth: 'bearer',
  params: tokenIdParamsSchema,
  responses: {
    200: jsonResponse(serviceTokenViewSchema, 'The token record'),
    ...COMMON_RESPONSES,
    404: problemResponse('No such token'),
  },
});

export const revokeServiceToken = defineRoute({
  operationId: 'revokeServiceToken',
  method: 'delete',
  path: '/api/v1/service-tokens/{id}',
  summary: 'Revoke a service token; it stops authenticating at once (idempotent)',
  auth: 'bearer',
  params: tokenIdParamsSchema,
  responses: {
    204: { description: 'Revoked' },
    ...COMMON_RESPONSES,
    404: problemResponse('No such token'),
  },
});
