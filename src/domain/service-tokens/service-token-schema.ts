import { z } from 'zod';
import { ACTIONS, type Action } from '../policy/actions.js';
import { timestampSchema } from '../claims/claim-schema.js';
import { DNS_LABEL_MAX_LENGTH, DNS_LABEL_PATTERN } from '../claims/names.js';
import { durationSchema } from '../shared/duration.js';
import { SERVICE_TOKEN_ID_PATTERN } from './token-format.js';

/**
 * Actions a service token may be scoped to: every action except `service-tokens:manage`.
 * A token that could mint tokens would let a leaked CI credential outlive its own
 * revocation (mint a fresh one first), so minting stays with people and static tokens.
 */
export const GRANTABLE_SCOPES = ACTIONS.filter(
  (action): action is Exclude<Action, 'service-tokens:manage'> =>
    action !== 'service-tokens:manage',
);

export const MAX_GROUPS = 32;
export const MAX_DESCRIPTION_LENGTH = 256;
const MAX_SUBJECT_LENGTH = 254;

// eslint-disable-next-line no-control-regex -- rejecting control characters is the point
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;
// eslint-disable-next-line no-control-regex -- rejecting control characters is the point
const GROUP = /^[^\s\u0000-\u001f\u007f]{1,256}$/;
const EMAIL_LIKE =
  /^[a-z0-9._+-]{1,64}@[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/** Whether `subject` is a DNS-1123 label (`gitlab-ci-team1`) or e-mail-like (`ci@team1.example`). */
export function isServiceSubject(subject: string): boolean {
  if (subject.length > MAX_SUBJECT_LENGTH) return false;
  return (
    (subject.length <= DNS_LABEL_MAX_LENGTH && DNS_LABEL_PATTERN.test(subject)) ||
    EMAIL_LIKE.test(subject)
  );
}

/**
 * Lower case only, so `CI-Bot` and `ci-bot` cannot be two principals; no `:` so nothing can
 * pose as a `system:<controller>` actor of the audit log; no `/` so audit targets stay unambiguous.
 */
export const serviceSubjectSchema = z
  .string()
  .refine(
    isServiceSubject,
    'must be a lower-case DNS-1123 label (e.g. gitlab-ci-team1) or an e-mail-like name (e.g. ci-bot@team1.example), at most 254 characters',
  )
  .meta({
    description:
      'The principal the token authenticates as: a lower-case DNS-1123 label or an e-mail-like name.',
    examples: ['gitlab-ci-team1'],
  });

export const serviceTokenScopesSchema = z
  .array(z.enum(GRANTABLE_SCOPES))
  .min(1, 'must name at least one action')
  .refine((scopes) => new Set(scopes).size === scopes.length, 'must not repeat an action')
  .meta({
    description:
      'The only actions the token may perform (the policies still decide each one). `service-tokens:manage` cannot be granted to a token.',
    examples: [['environment:create', 'environment:read', 'environment:delete']],
  });

export const serviceTokenGroupsSchema = z
  .array(z.string().regex(GROUP, 'must be 1 to 256 characters without whitespace'))
  .max(MAX_GROUPS, `must list at most ${MAX_GROUPS} groups`)
  .refine((groups) => new Set(groups).size === groups.length, 'must not repeat a group')
  .meta({ description: 'Groups the policies see for this principal.', examples: [['team1']] });

export const serviceTokenDescriptionSchema = z
  .string()
  .min(1, 'must not be empty')
  .max(MAX_DESCRIPTION_LENGTH, `must be at most ${MAX_DESCRIPTION_LENGTH} characters`)
  .refine((text) => !CONTROL.test(text), 'must not contain control characters')
  .meta({ description: 'Free text for people, e.g. the CI project the token is for.' });

/** The fields every representation of a token shares; the secret is never one of them. */
const viewShape = {
  id: z.string().regex(SERVICE_TOKEN_ID_PATTERN),
  subject: serviceSubjectSchema,
  scopes: serviceTokenScopesSchema,
  groups: serviceTokenGroupsSchema,
  description: serviceTokenDescriptionSchema.optional(),
  created_at: timestampSchema,
  /** Subject of the principal that created the token. */
  created_by: z.string().min(1),
  expires_at: timestampSchema,
  revoked_at: timestampSchema.nullable(),
};

/** A service token as the API shows it: never the token, never its hash. */
export const serviceTokenViewSchema = z.strictObject(viewShape).meta({
  id: 'ServiceToken',
  description: 'A service token without its secret; the token itself is shown only at creation.',
});
export type ServiceTokenView = z.infer<typeof serviceTokenViewSchema>;

/** A service token as stored: the view plus the hex SHA-256 of the whole token. */
export const serviceTokenRecordSchema = z.strictObject({
  ...viewShape,
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
});
export type ServiceTokenRecord = z.infer<typeof serviceTokenRecordSchema>;

/** `<data-dir>/service-tokens.json`: one document holding every token. */
export const serviceTokenFileSchema = z.strictObject({
  version: z.literal(1),
  tokens: z.array(serviceTokenRecordSchema),
});
export type ServiceTokenFile = z.infer<typeof serviceTokenFileSchema>;

/** The body of `POST /api/v1/service-tokens`. */
export const serviceTokenCreateSchema = z
  .strictObject({
    subject: serviceSubjectSchema,
    scopes: serviceTokenScopesSchema,
    groups: serviceTokenGroupsSchema.default([]),
    expires_in: durationSchema.optional().meta({
      description: 'Lifetime from now, e.g. `30d`; at most 365d. Default 90d.',
      examples: ['30d'],
    }),
    expires_at: timestampSchema.optional().meta({
      description: 'Instead of `expires_in`: an RFC 3339 instant at most 365 days ahead.',
    }),
    description: serviceTokenDescriptionSchema.optional(),
  })
  .refine((body) => body.expires_in === undefined || body.expires_at === undefined, {
    path: ['expires_at'],
    message: 'give expires_in or expires_at, not both',
  })
  .meta({ id: 'ServiceTokenCreate' });
export type ServiceTokenCreate = z.infer<typeof serviceTokenCreateSchema>;

/** The response to a create: the one and only time the token is shown. */
export const serviceTokenCreatedSchema = z
  .strictObject({
    ...viewShape,
    token: z.string().meta({
      description:
        'The bearer token, `pst_<id>_<secret>`. Shown only in this response; the server keeps its SHA-256 alone.',
    }),
  })
  .meta({ id: 'ServiceTokenCreated' });
export type ServiceTokenCreated = z.infer<typeof serviceTokenCreatedSchema>;

export const serviceTokenListSchema = z
  .strictObject({ items: z.array(serviceTokenViewSchema) })
  .meta({ id: 'ServiceTokenList' });
