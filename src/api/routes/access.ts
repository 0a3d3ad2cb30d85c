import {
  COMMON_RESPONSES,
  defineRoute,
  jsonResponse,
  problemResponse,
} from '../route-definition.js';
import { explainQuerySchema, explainResultSchema, tenancyStatusSchema } from '../schemas/access.js';
import {
  accessPlanSchema,
  renderedAccessSchema,
  renderQuerySchema,
  userAccessSchema,
  userParamsSchema,
  whoCanQuerySchema,
  whoCanSchema,
} from '../schemas/access-compiler.js';

/** Who may do what, and why; the access compiler for admins. */
export const explainAccess = defineRoute({
  operationId: 'explainAccess',
  method: 'get',
  path: '/api/v1/access/explain',
  summary: 'Explain a decision: the policies that decided and the group path',
  auth: 'bearer',
  query: explainQuerySchema,
  responses: {
    200: jsonResponse(explainResultSchema, 'The decision and its reasons'),
    ...COMMON_RESPONSES,
    404: problemResponse('No such environment'),
  },
});

export const tenancyStatus = defineRoute({
  operationId: 'tenancyStatus',
  method: 'get',
  path: '/api/v1/tenancy/status',
  summary: 'The tenancy model and policies in force, and the last rejected change',
  auth: 'bearer',
  responses: { 200: jsonResponse(tenancyStatusSchema, 'Status'), ...COMMON_RESPONSES },
});

export const renderAccess = defineRoute({
  operationId: 'renderAccess',
  method: 'get',
  path: '/api/v1/access/render',
  summary: "The access compiler's output for the current tenancy model (platform admins)",
  auth: 'bearer',
  query: renderQuerySchema,
  responses: {
    200: jsonResponse(renderedAccessSchema, 'Every generated file'),
    ...COMMON_RESPONSES,
  },
});

export const applyAccess = defineRoute({
  operationId: 'applyAccess',
  method: 'post',
  path: '/api/v1/access/render',
  summary: 'Render into the configured access.outputDirectory; audited',
  auth: 'bearer',
  responses: {
    200: jsonResponse(accessPlanSchema, 'What was written and removed'),
    ...COMMON_RESPONSES,
    404: problemResponse('No access.outputDirectory is configured'),
    409: problemResponse('Hand-made files sit where the compiler writes'),
  },
});

export const planAccess = defineRoute({
  operationId: 'planAccess',
  method: 'get',
  path: '/api/v1/access/plan',
  summary: 'What a render would add, change and remove in access.outputDirectory',
  auth: 'bearer',
  responses: {
    200: jsonResponse(accessPlanSchema, 'The plan'),
    ...COMMON_RESPONSES,
    404: problemResponse('No access.outputDirectory is configured'),
  },
});

export const userAccess = defineRoute({
  operationId: 'userAccess',
  method: 'get',
  path: '/api/v1/access/users/{user}',
  summary: 'Every group, namespace, tool permission and cloud role a user gets, and why',
  auth: 'bearer',
  params: userParamsSchema,
  responses: { 200: jsonResponse(userAccessSchema, 'The user’s access'), ...COMMON_RESPONSES },
});

export const whoCan = defineRoute({
  operationId: 'whoCan',
  method: 'get',
  path: '/api/v1/access/who-can',
  summary: 'Who holds at least a level on a tool, in a namespace or anywhere',
  auth: 'bearer',
  query: whoCanQuerySchema,
  responses: {
    200: jsonResponse(whoCanSchema, 'Users, groups and other subjects'),
    ...COMMON_RESPONSES,
  },
});
