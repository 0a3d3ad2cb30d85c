import { claimCreateSchema, claimPatchSchema } from '../../domain/claims/claim-schema.js';
import {
  COMMON_RESPONSES,
  defineRoute,
  jsonResponse,
  problemResponse,
} from '../route-definition.js';
import {
  deploymentHistorySchema,
  deploymentStatusSchema,
  rollbackRequestSchema,
} from '../schemas/deployments.js';
import {
  environmentNameParamsSchema,
  environmentPageSchema,
  environmentViewSchema,
  ifMatchHeadersSchema,
  listQuerySchema,
} from '../schemas/environments.js';

/** `/api/v1/environments`: the claim lifecycle of the seed's "Platform API". */
export const createEnvironment = defineRoute({
  operationId: 'createEnvironment',
  method: 'post',
  path: '/api/v1/environments',
  summary: 'Create a dynamic environment',
  auth: 'bearer',
  body: { schema: claimCreateSchema },
  responses: {
    201: jsonResponse(environmentViewSchema, 'Created; `Location` and `ETag` headers are set'),
    ...COMMON_RESPONSES,
    409: problemResponse('The name is taken (in either bucket)'),
    413: problemResponse('Body over 1 MiB'),
    415: problemResponse('Not JSON'),
  },
});

export const listEnvironments = defineRoute({
  operationId: 'listEnvironments',
  method: 'get',
  path: '/api/v1/environments',
  summary: 'List the environments the caller may read',
  auth: 'bearer',
  query: listQuerySchema,
  responses: {
    200: jsonResponse(environmentPageSchema, 'One page, in name order'),
    ...COMMON_RESPONSES,
  },
});

export const getEnvironment = defineRoute({
  operationId: 'getEnvironment',
  method: 'get',
  path: '/api/v1/environments/{name}',
  summary: 'Get an environment',
  auth: 'bearer',
  params: environmentNameParamsSchema,
  responses: {
    200: jsonResponse(environmentViewSchema, 'The environment; `ETag` is set'),
    ...COMMON_RESPONSES,
    404: problemResponse('No such environment'),
  },
});

export const updateEnvironment = defineRoute({
  operationId: 'updateEnvironment',
  method: 'patch',
  path: '/api/v1/environments/{name}',
  summary: 'Change services and/or expiration_date (JSON Merge Patch)',
  auth: 'bearer',
  params: environmentNameParamsSchema,
  headers: ifMatchHeadersSchema,
  body: { schema: claimPatchSchema, alsoAccepts: ['application/merge-patch+json'] },
  responses: {
    200: jsonResponse(environmentViewSchema, 'The changed environment'),
    ...COMMON_RESPONSES,
    404: problemResponse('No such environment'),
    409: problemResponse('A static environment: change it in Git'),
    412: problemResponse('If-Match did not match'),
  },
});

export const deleteEnvironment = defineRoute({
  operationId: 'deleteEnvironment',
  method: 'delete',
  path: '/api/v1/environments/{name}',
  summary: 'Delete an environment',
  auth: 'bearer',
  params: environmentNameParamsSchema,
  headers: ifMatchHeadersSchema,
  responses: {
    204: { description: 'Deleted' },
    ...COMMON_RESPONSES,
    404: problemResponse('No such environment'),
    409: problemResponse('A static environment: remove it in Git'),
    412: problemResponse('If-Match did not match'),
  },
});

export const environmentHistory = defineRoute({
  operationId: 'environmentHistory',
  method: 'get',
  path: '/api/v1/environments/{name}/history',
  summary: "The environment's render revisions: versions before and after, and why",
  auth: 'bearer',
  params: environmentNameParamsSchema,
  responses: {
    200: jsonResponse(deploymentHistorySchema, 'Newest first'),
    ...COMMON_RESPONSES,
    404: problemResponse('No such environment, or no deployer configured'),
  },
});

export const rollbackEnvironment = defineRoute({
  operationId: 'rollbackEnvironment',
  method: 'post',
  path: '/api/v1/environments/{name}/rollback',
  summary: "Return to a revision's resolved versions and pin them",
  description:
    "Re-renders the environment with the versions of `revision` from its history. They stay pinned (re-resolution leaves them) until the claim's services change.",
  auth: 'bearer',
  params: environmentNameParamsSchema,
  body: { schema: rollbackRequestSchema },
  responses: {
    200: jsonResponse(deploymentStatusSchema, 'Rendered with the restored versions'),
    ...COMMON_RESPONSES,
    404: problemResponse('No such environment, or no deployer configured'),
    409: problemResponse('The restored versions could not be rendered (an artifact is gone)'),
  },
});
