import { z } from 'zod';
import { claimCreateSchema, claimPatchSchema, claimSchema } from '../domain/claims/claim-schema.js';
import {
  environmentPageSchema,
  environmentTypeListSchema,
  environmentViewSchema,
  problemSchema,
  rejectedClaimListSchema,
} from './api-schemas.js';
import {
  serviceTokenCreateSchema,
  serviceTokenCreatedSchema,
  serviceTokenListSchema,
  serviceTokenViewSchema,
} from './routes/service-tokens.js';
import { auditPageSchema, auditRecordJsonSchema } from './routes/audit.js';
import { AUDIT_DEFAULT_PAGE_SIZE, AUDIT_MAX_PAGE_SIZE } from '../app/audit-service.js';
import { explainResultSchema, tenancyStatusSchema } from './access-api-schemas.js';
import { ACTIONS } from '../domain/policy/actions.js';
import { GRANT_LEVELS } from '../domain/access/access-output.js';
import { DEPLOYMENT_PHASES } from '../domain/deployments/deployment-record.js';
import {
  accessPlanSchema,
  renderedAccessSchema,
  userAccessSchema,
  whoCanSchema,
} from './access-compiler-schemas.js';
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from '../app/environment-service.js';
import { rollbackRequestSchema } from '../app/deployment-api.js';
import { deploymentHistorySchema, deploymentStatusSchema } from './deployment-api-schemas.js';
import {
  bucketEventsRequestSchema,
  bucketEventsResultSchema,
} from '../domain/bucket-events/bucket-event-schema.js';

// Referenced so the schemas (and their `.meta({ id })` registrations) are loaded.
const COMPONENTS = [
  claimSchema,
  claimCreateSchema,
  claimPatchSchema,
  environmentViewSchema,
  environmentPageSchema,
  environmentTypeListSchema,
  rejectedClaimListSchema,
  problemSchema,
  explainResultSchema,
  tenancyStatusSchema,
  renderedAccessSchema,
  accessPlanSchema,
  userAccessSchema,
  whoCanSchema,
  auditRecordJsonSchema,
  auditPageSchema,
  serviceTokenCreateSchema,
  serviceTokenCreatedSchema,
  serviceTokenListSchema,
  serviceTokenViewSchema,
  deploymentStatusSchema,
  deploymentHistorySchema,
  rollbackRequestSchema,
  bucketEventsRequestSchema,
  bucketEventsResultSchema,
];

const ref = (id: string) => ({ $ref: `#/components/schemas/${id}` });
const json = (id: string, description: string) => ({
  description,
  content: { 'application/json': { schema: ref(id) } },
});
const problem = (description: string) => ({
  description,
  content: { 'application/problem+json': { schema: ref('Problem') } },
});
const nameParameter = {
  name: 'name',
  in: 'path',
  required: true,
  schema: { type: 'string' },
  description: 'The environment_name.',
};
const ifMatchParameter = {
  name: 'If-Match',
  in: 'header',
  required: false,
  schema: { type: 'string' },
  description: 'Only act if the environment still has this ETag; 412 otherwise.',
};
const tokenIdParameter = {
  name: 'id',
  in: 'path',
  required: true,
  schema: { type: 'string', pattern: '^[0-9a-f]{16}$' },
  description: 'The token id: the 16 hex characters after `pst_`.',
};
const common = {
  '400': problem('Invalid input; `errors` lists each field'),
  '401': problem('Missing or invalid bearer token'),
  '403': problem('Not allowed'),
};

/**
 * The OpenAPI 3.1 document, generated from the same zod schemas that validate requests
 * (OpenAPI 3.1 schemas are JSON Schema 2020-12, which zod emits directly).
 */
export function buildOpenApiDocument(version: string): Record<string, unknown> {
  void COMPONENTS;
  const generated = z.toJSONSchema(z.globalRegistry, {
    io: 'input',
    uri: (id) => `#/components/schemas/${id}`,
    unrepresentable: 'any',
  }).schemas;
  const schemas = Object.fromEntries(
    Object.entries(generated).map(([id, schema]) => {
      const { $schema: _schema, $id: _id, ...rest } = schema as Record<string, unknown>;
      return [id, rest];
    }),
  );

  return {
    openapi: '3.1.0',
    info: {
      title: 'Platform API',
      version,
      description: 'Environment claims of the internal developer platform.',
    },
    servers: [{ url: '/' }],
    security: [{ bearer: [] }],
    components: {
      securitySchemes: {
        bearer: { type: 'http', scheme: 'bearer' },
        bucketEventsQueryToken: {
          type: 'apiKey',
          in: 'query',
          name: 'token',
          description:
            'PLATFORM_BUCKET_EVENTS_TOKEN, for senders that cannot set headers (never logged)',
        },
      },
      schemas,
    },
    paths: {
      '/api/v1/access/explain': {
        get: {
          summary: 'Explain a decision: the policies that decided and the group path',
          parameters: [
            {
              name: 'principal',
              in: 'query',
              schema: { type: 'string' },
              description: '`user:<subject>`, `service:<name>` or a subject; default: the caller',
            },
            {
              name: 'groups',
              in: 'query',
              schema: { type: 'string' },
              description: 'IdP groups to assume for another principal, comma-separated',
            },
            { name: 'action', in: 'query', required: true, schema: { enum: [...ACTIONS] } },
            {
              name: 'resource',
              in: 'query',
              required: true,
              schema: { type: 'string' },
              description: '`environment/<name>`, `platform`, `user/<subject>` or `service/<name>`',
            },
            {
              name: 'pool',
              in: 'query',
              schema: { type: 'string' },
              description: 'For an environment that does not exist yet',
            },
            { name: 'type', in: 'query', schema: { type: 'string' } },
          ],
          responses: {
            '200': json('AccessExplanation', 'The decision and its reasons'),
            ...common,
            '404': problem('No such environment'),
          },
        },
      },
      '/api/v1/audit': {
        get: {
          summary: 'The audit log: every deny and every allowed mutation, hash-chained',
          description: 'Needs `audit:read` on the platform. Records in `seq` order.',
          parameters: [
            {
              name: 'actor',
              in: 'query',
              schema: { type: 'string' },
              description: 'Exact subject',
            },
            {
              name: 'action',
              in: 'query',
              schema: { type: 'string' },
              description: 'Exact action, e.g. `environment:create`',
            },
            { name: 'decision', in: 'query', schema: { type: 'string', enum: ['allow', 'deny'] } },
            {
              name: 'target',
              in: 'query',
              schema: { type: 'string' },
              description: 'Exact target, or a prefix ending in `/` (e.g. `environment/`)',
            },
            {
              name: 'since',
              in: 'query',
              schema: { type: 'string', format: 'date-time' },
              description: 'Inclusive RFC 3339 lower bound on `time`',
            },
            {
              name: 'until',
              in: 'query',
              schema: { type: 'string', format: 'date-time' },
              description: 'Inclusive RFC 3339 upper bound on `time`',
            },
            {
              name: 'limit',
              in: 'query',
              schema: {
                type: 'integer',
                minimum: 1,
                maximum: AUDIT_MAX_PAGE_SIZE,
                default: AUDIT_DEFAULT_PAGE_SIZE,
              },
            },
            {
              name: 'cursor',
              in: 'query',
              schema: { type: 'string' },
              description: '`next_cursor` of the previous page',
            },
          ],
          responses: { '200': json('AuditPage', 'One page, in seq order'), ...common },
        },
      },
      '/api/v1/service-tokens': {
        post: {
          summary: 'Create a service token (shown once in the response)',
          description:
            'Needs `service-tokens:manage`. The response is the only place the token ever appears; it is sent with `Cache-Control: no-store`.',
          requestBody: {
            required: true,
            content: { 'application/json': { schema: ref('ServiceTokenCreate') } },
          },
          responses: {
            '201': json('ServiceTokenCreated', 'Created; `Location` names the token'),
            ...common,
            '413': problem('Body over 1 MiB'),
            '415': problem('Not JSON'),
          },
        },
        get: {
          summary: 'List service tokens, revoked and expired ones included (never the tokens)',
          responses: { '200': json('ServiceTokenList', 'Every token, oldest first'), ...common },
        },
      },
      '/api/v1/service-tokens/{id}': {
        parameters: [tokenIdParameter],
        get: {
          summary: 'Get a service token (never the token itself)',
          responses: {
            '200': json('ServiceToken', 'The token record'),
            ...common,
            '404': problem('No such token'),
          },
        },
        delete: {
          summary: 'Revoke a service token; it stops authenticating at once (idempotent)',
          responses: {
            '204': { description: 'Revoked' },
            ...common,
            '404': problem('No such token'),
          },
        },
      },
      '/api/v1/access/render': {
        get: {
          summary: "The access compiler's output for the current tenancy model (platform admins)",
          parameters: [
            {
              name: 'tool',
              in: 'query',
              schema: { type: 'string' },
              description: 'Only this tool folder: idp, keycloak, kubernetes, argocd, …',
            },
          ],
          responses: { '200': json('RenderedAccess', 'Every generated file'), ...common },
        },
        post: {
          summary: 'Render into the configured access.outputDirectory; audited',
          responses: {
            '200': json('AccessPlan', 'What was written and removed'),
            ...common,
            '404': problem('No access.outputDirectory is configured'),
            '409': problem('Hand-made files sit where the compiler writes'),
          },
        },
      },
      '/api/v1/access/plan': {
        get: {
          summary: 'What a render would add, change and remove in access.outputDirectory',
          responses: {
            '200': json('AccessPlan', 'The plan'),
            ...common,
            '404': problem('No access.outputDirectory is configured'),
          },
        },
      },
      '/api/v1/access/users/{user}': {
        get: {
          summary: 'Every group, namespace, tool permission and cloud role a user gets, and why',
          parameters: [{ name: 'user', in: 'path', required: true, schema: { type: 'string' } }],
          responses: { '200': json('UserAccess', 'The user’s access'), ...common },
        },
      },
      '/api/v1/access/who-can': {
        get: {
          summary: 'Who holds at least a level on a tool, in a namespace or anywhere',
          parameters: [
            { name: 'tool', in: 'query', required: true, schema: { type: 'string' } },
            { name: 'level', in: 'query', required: true, schema: { enum: [...GRANT_LEVELS] } },
            { name: 'namespace', in: 'query', schema: { type: 'string' } },
          ],
          responses: { '200': json('WhoCan', 'Users, groups and other subjects'), ...common },
        },
      },
      '/api/v1/tenancy/status': {
        get: {
          summary: 'The tenancy model and policies in force, and the last rejected change',
          responses: { '200': json('TenancyStatus', 'Status'), ...common },
        },
      },
      '/api/v1/environments': {
        post: {
          summary: 'Create a dynamic environment',
          requestBody: {
            required: true,
            content: { 'application/json': { schema: ref('ClaimCreate') } },
          },
          responses: {
            '201': json('Environment', 'Created; `Location` and `ETag` headers are set'),
            ...common,
            '409': problem('The name is taken (in either bucket)'),
            '413': problem('Body over 1 MiB'),
            '415': problem('Not JSON'),
          },
        },
        get: {
          summary: 'List the environments the caller may read',
          parameters: [
            { name: 'type', in: 'query', schema: { type: 'string' } },
            { name: 'pool', in: 'query', schema: { type: 'string' } },
            { name: 'user', in: 'query', schema: { type: 'string' } },
            {
              name: 'q',
              in: 'query',
              schema: { type: 'string', minLength: 1, maxLength: 256 },
              description:
                'Only environments whose name, a service name or the user contain this text (case-insensitive)',
            },
            {
              name: 'phase',
              in: 'query',
              schema: { enum: [...DEPLOYMENT_PHASES] },
              description:
                'Only environments in this deployer phase (`status.phase`); 400 where no deployer runs',
            },
            {
              name: 'limit',
              in: 'query',
              schema: {
                type: 'integer',
                minimum: 1,
                maximum: MAX_PAGE_SIZE,
                default: DEFAULT_PAGE_SIZE,
              },
            },
            {
              name: 'cursor',
              in: 'query',
              schema: { type: 'string' },
              description: '`next_cursor` of the previous page',
            },
          ],
          responses: { '200': json('EnvironmentPage', 'One page, in name order'), ...common },
        },
      },
      '/api/v1/environments/{name}': {
        parameters: [nameParameter],
        get: {
          summary: 'Get an environment',
          responses: {
            '200': json('Environment', 'The environment'),
            ...common,
            '404': problem('No such environment'),
          },
        },
        patch: {
          summary: 'Change services and/or expiration_date (JSON Merge Patch)',
          parameters: [ifMatchParameter],
          requestBody: {
            required: true,
            content: {
              'application/merge-patch+json': { schema: ref('ClaimPatch') },
              'application/json': { schema: ref('ClaimPatch') },
            },
          },
          responses: {
            '200': json('Environment', 'The changed environment'),
            ...common,
            '404': problem('No such environment'),
            '409': problem('A static environment: change it in Git'),
            '412': problem('If-Match did not match'),
          },
        },
        delete: {
          summary: 'Delete an environment',
          parameters: [ifMatchParameter],
          responses: {
            '204': { description: 'Deleted' },
            ...common,
            '404': problem('No such environment'),
            '409': problem('A static environment: remove it in Git'),
            '412': problem('If-Match did not match'),
          },
        },
      },
      '/api/v1/environments/{name}/history': {
        parameters: [nameParameter],
        get: {
          summary: "The environment's render revisions: versions before and after, and why",
          responses: {
            '200': json('DeploymentHistory', 'Newest first'),
            ...common,
            '404': problem('No such environment, or no deployer configured'),
          },
        },
      },
      '/api/v1/environments/{name}/rollback': {
        parameters: [nameParameter],
        post: {
          summary: "Return to a revision's resolved versions and pin them",
          description:
            "Re-renders the environment with the versions of `revision` from its history. They stay pinned (re-resolution leaves them) until the claim's services change.",
          requestBody: {
            required: true,
            content: { 'application/json': { schema: ref('RollbackRequest') } },
          },
          responses: {
            '200': json('DeploymentStatus', 'Rendered with the restored versions'),
            ...common,
            '404': problem('No such environment, or no deployer configured'),
            '409': problem('The restored versions could not be rendered (an artifact is gone)'),
          },
        },
      },
      '/api/v1/environment-types': {
        get: {
          summary: 'The environment type catalogue',
          responses: { '200': json('EnvironmentTypeList', 'All types'), ...common },
        },
      },
      '/api/v1/rejected-claims': {
        get: {
          summary: 'Documents in the buckets that are not served as environments, and why',
          responses: { '200': json('RejectedClaimList', 'All rejected documents'), ...common },
        },
      },
      '/api/v1/bucket-events': {
        post: {
          summary: 'Receive S3 event notifications: each create or remove re-reads that key',
          description:
            'For storage servers, not users: authenticated by the shared secret PLATFORM_BUCKET_EVENTS_TOKEN as a bearer token (MinIO `auth_token`) or a `token` query parameter (Ceph RGW push endpoint, SNS subscription URL). Accepts a MinIO webhook body, a Ceph RGW push, or an Amazon SNS message whose `Message` is the S3 event; the body is read as JSON whatever its Content-Type (SNS sends text/plain). The event content is never trusted: the key is re-read from the bucket, asynchronously. Events for other buckets, for keys under a prefix, or of other types are counted as ignored. An SNS SubscriptionConfirmation is logged for confirmation by hand, never fetched.',
          security: [{ bearer: [] }, { bucketEventsQueryToken: [] }],
          requestBody: {
            required: true,
            content: { 'application/json': { schema: ref('BucketEventsRequest') } },
          },
          responses: {
            '200': json('BucketEventsResult', 'Handed over for re-reading; nothing waited for'),
            '400': problem('Malformed notification; nothing was done'),
            '401': problem('Missing or wrong shared secret'),
            '404': problem('PLATFORM_BUCKET_EVENTS_TOKEN is not set on this server'),
            '413': problem('Body over 1 MiB'),
            '503': problem('The claim index is still loading; the sender should retry'),
          },
        },
      },
      '/healthz': {
        get: { security: [], summary: 'Liveness', responses: { '200': { description: 'Alive' } } },
      },
      '/readyz': {
        get: {
          security: [],
          summary: 'Readiness: the index is loaded',
          responses: { '200': { description: 'Ready' }, '503': problem('Still loading') },
        },
      },
      '/openapi.json': {
        get: {
          security: [],
          summary: 'This document',
          responses: { '200': { description: 'OpenAPI 3.1' } },
        },
      },
    },
  };
}
