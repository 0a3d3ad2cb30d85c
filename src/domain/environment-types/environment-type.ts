import { z } from 'zod';
import { durationMs, durationSchema } from '../shared/duration.js';

/** The node pools of the seed ("Multiple node pool types"). */
export const NODE_POOLS = [
  'general-restricted',
  'general-public',
  'memory',
  'storage',
  'spot',
  'ai',
] as const;
export const nodePoolSchema = z.enum(NODE_POOLS);
export type NodePool = z.infer<typeof nodePoolSchema>;

export const autoscalingProfileSchema = z.enum(['aggressive', 'moderate', 'conservative']);

/** Whether a platform component runs shared on the platform cluster or dedicated per environment. */
export const placementSchema = z.enum(['shared', 'dedicated']);

/** How long before its expiry an environment counts as `expiring`, unless its type says otherwise. */
export const DEFAULT_WARN_BEFORE = '2h';

/**
 * How long environments of a type live. `null` means they never expire and refuse an
 * `expiration_date`. `default` applies when a claim gives none (`null`: no expiry unless
 * asked); `maximum` bounds the lifetime counted from `creation_date`. `warnBefore` is the
 * warning window: within it an environment shows `status.expiring` and its owner's sinks get
 * one `expiring` notification (issue 15); it defaults to 2 h, also when a config override
 * of `expiry` leaves it out.
 */
export const expiryPolicySchema = z
  .strictObject({
    default: durationSchema.nullable(),
    maximum: durationSchema,
    warnBefore: durationSchema.default(DEFAULT_WARN_BEFORE),
  })
  .refine(
    (policy) => policy.default === null || durationMs(policy.default) <= durationMs(policy.maximum),
    {
      path: ['default'],
      message: 'must not be longer than maximum',
    },
  )
  .nullable();

/** A token lifetime: whole seconds, since Infisical counts access-token lifetimes in seconds. */
export const tokenLifetimeSchema = durationSchema.refine(
  (text) => durationMs(text) % 1_000 === 0,
  'must be whole seconds (Infisical counts token lifetimes in seconds)',
);

/**
 * How an environment of the type reaches Infisical (seed: "Infisical Token Management").
 * `project: dedicated` gives each environment its own Infisical project; `shared` puts its
 * secrets under `/<environment>/` of the platform's shared project, as dev and sue share the
 * platform cluster. `accessTokenTTL` and `accessTokenMaxTTL` bound the access tokens of the
 * environment's machine identities (renewable up to the maximum, then a new login). Fields
 * left out take the defaults below; a type that leaves out `secrets` gets them all.
 */
export const secretsPolicySchema = z
  .strictObject({
    project: placementSchema.default('shared'),
    accessTokenTTL: tokenLifetimeSchema.default('1h'),
    accessTokenMaxTTL: tokenLifetimeSchema.default('24h'),
  })
  .refine((policy) => durationMs(policy.accessTokenTTL) <= durationMs(policy.accessTokenMaxTTL), {
    path: ['accessTokenTTL'],
    message: 'must not be longer than accessTokenMaxTTL',
  })
  .prefault({});

export const environmentTypeSchema = z
  .strictObject({
    description: z.string(),
    ha: z.boolean(),
    nodePools: z.array(nodePoolSchema).min(1),
    autoscaling: autoscalingProfileSchema,
    expiry: expiryPolicySchema,
    logging: placementSchema,
    monitoring: placementSchema,
    gateway: placementSchema,
    authorization: placementSchema,
    waf: z.boolean(),
    secrets: secretsPolicySchema,
  })
  .meta({ id: 'EnvironmentType' });

export type EnvironmentType = z.infer<typeof environmentTypeSchema>;
export type ExpiryPolicy = z.infer<typeof expiryPolicySchema>;
export type SecretsPolicy = z.infer<typeof secretsPolicySchema>;
