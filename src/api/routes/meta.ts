import {
  COMMON_RESPONSES,
  defineRoute,
  jsonResponse,
  problemResponse,
} from '../route-definition.js';
import { loginConfigSchema, whoAmISchema } from '../schemas/session.js';

/** Probes, this document and the sign-in settings: no token needed. */
export const healthz = defineRoute({
  operationId: 'healthz',
  method: 'get',
  path: '/healthz',
  summary: 'Liveness',
  auth: 'public',
  responses: { 200: { description: 'Alive' } },
});

export const readyz = defineRoute({
  operationId: 'readyz',
  method: 'get',
  path: '/readyz',
  summary: 'Readiness: the index is loaded',
  auth: 'public',
  responses: { 200: { description: 'Ready' }, 503: problemResponse('Still loading') },
});

export const openApiDocument = defineRoute({
  operationId: 'openApiDocument',
  method: 'get',
  path: '/openapi.json',
  summary: 'This document',
  auth: 'public',
  responses: { 200: { description: 'OpenAPI 3.1' } },
});

export const loginConfig = defineRoute({
  operationId: 'loginConfig',
  method: 'get',
  path: '/login-config',
  summary:
    'How `platformctl login` and the web console sign a person in: issuers and their public clients',
  auth: 'public',
  responses: {
    200: jsonResponse(
      loginConfigSchema,
      'The issuers with a CLI client, and those with a console client; each empty when none',
    ),
  },
});

export const whoAmI = defineRoute({
  operationId: 'whoAmI',
  method: 'get',
  path: '/api/v1/me',
  summary: 'The caller: subject, groups, and what it may do',
  auth: 'bearer',
  responses: { 200: jsonResponse(whoAmISchema, 'The caller'), ...COMMON_RESPONSES },
});

export const metrics = defineRoute({
  operationId: 'metrics',
  method: 'get',
  path: '/metrics',
  summary: 'Prometheus metrics (text exposition format); docs/metrics.md lists every series',
  description:
    'Needs a bearer token unless `metrics.requireToken` is false. Answers 404 when ' +
    '`metrics.port` moves the metrics to a listener of their own (no token there) or ' +
    '`metrics.enabled` is false.',
  auth: 'bearer',
  responses: {
    200: { description: 'The metrics, `text/plain; version=0.0.4`' },
    401: problemResponse('Missing or invalid bearer token'),
    404: problemResponse('Not served on this port'),
    503: problemResponse('The metrics cannot be read right now'),
  },
});
