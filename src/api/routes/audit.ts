import { COMMON_RESPONSES, defineRoute, jsonResponse } from '../route-definition.js';
import { auditListQuerySchema, auditPageSchema } from '../schemas/audit.js';

export const listAudit = defineRoute({
  operationId: 'listAudit',
  method: 'get',
  path: '/api/v1/audit',
  summary: 'The audit log: every deny and every allowed mutation, hash-chained',
  description: 'Needs `audit:read` on the platform. Records in `seq` order.',
  auth: 'bearer',
  query: auditListQuerySchema,
  responses: { 200: jsonResponse(auditPageSchema, 'One page, in seq order'), ...COMMON_RESPONSES },
});
