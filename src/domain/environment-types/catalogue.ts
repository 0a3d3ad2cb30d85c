import { z } from 'zod';
import { dnsLabelSchema } from '../claims/names.js';
import { deepFreeze } from '../shared/deep-freeze.js';
import {
  environmentTypeSchema,
  placementSchema,
  tokenLifetimeSchema,
  type EnvironmentType,
} from './environment-type.js';

/** Environment types by name. Frozen once built; the one source for type rules. */
export type EnvironmentTypeCatalogue = Readonly<Record<string, EnvironmentType>>;

const SHARED = {
  logging: 'shared',
  monitoring: 'shared',
  gateway: 'shared',
  authorization: 'shared',
  waf: false,
} as const;
// Short-lived tokens everywhere (a lost token is useful for an hour); shorter still for sue,
// whose environments live a day and whose tokens need not outlive them.
const TOKENS = { accessTokenTTL: '1h', accessTokenMaxTTL: '24h' } as const;
const DEDICATED = {
  logging: 'dedicated',
  monitoring: 'dedicated',
  gateway: 'dedicated',
  authorization: 'dedicated',
  waf: true,
} as const;

/**
 * The seed's four types ("Environment Types", "Claim Expiration Rules"): dev and sue share
 * logging, monitoring, Kong and OPAL on the platform; staging and prod get dedicated ones
 * behind Cloudflare WAF. sue lives 24 h unless the claim says otherwise. Secrets follow the
 * same split: staging and prod get an Infisical project each, dev and sue share the
 * platform's; sue's tokens are the shortest-lived.
 */
export const DEFAULT_ENVIRONMENT_TYPES: EnvironmentTypeCatalogue = deepFreeze({
  dev: {
    description: 'Active development and testing',
    ha: false,
    nodePools: ['general-restricted', 'general-public', 'spot'],
    autoscaling: 'aggressive',
    expiry: { default: null, maximum: '30d', warnBefore: '2h' },
    ...SHARED,
    secrets: { project: 'shared', ...TOKENS },
  },
  staging: {
    description: 'Pre-production testing',
    ha: true,
    nodePools: ['general-restricted', 'general-public', 'memory'],
    autoscaling: 'moderate',
    expiry: null,
    ...DEDICATED,
    secrets: { project: 'dedicated', ...TOKENS },
  },
  prod: {
    description: 'Live production workloads',
    ha: true,
    nodePools: ['general-restricted', 'general-public', 'memory', 'storage', 'spot', 'ai'],
    autoscaling: 'conservative',
    expiry: null,
    ...DEDICATED,
    secrets: { project: 'dedicated', ...TOKENS },
  },
  sue: {
    description: 'System Under Evaluation: evaluation and experimentation',
    ha: false,
    nodePools: ['general-restricted', 'general-public', 'spot'],
    autoscaling: 'aggressive',
    expiry: { default: '24h', maximum: '7d', warnBefore: '2h' },
    ...SHARED,
    secrets: { project: 'shared', accessTokenTTL: '15m', accessTokenMaxTTL: '1h' },
  },
});

// Without defaults: an override of one `secrets` field must not reset the others.
const secretsOverrideSchema = z.strictObject({
  project: placementSchema.optional(),
  accessTokenTTL: tokenLifetimeSchema.optional(),
  accessTokenMaxTTL: tokenLifetimeSchema.optional(),
});

/**
 * Config overrides: per type, any subset of fields merged over the default type of that
 * name (`secrets` field by field); a new type name must give every field but `secrets`.
 * Validated again after the merge.
 */
export const environmentTypeOverridesSchema = z.record(
  dnsLabelSchema,
  environmentTypeSchema.partial().extend({ secrets: secretsOverrideSchema.optional() }),
);
export type EnvironmentTypeOverrides = z.input<typeof environmentTypeOverridesSchema>;

export function buildCatalogue(
  overrides: EnvironmentTypeOverrides = {},
  defaults: EnvironmentTypeCatalogue = DEFAULT_ENVIRONMENT_TYPES,
): z.ZodSafeParseResult<EnvironmentTypeCatalogue> {
  const merged: Record<string, unknown> = { ...defaults };
  for (const [name, override] of Object.entries(overrides)) {
    const base = defaults[name];
    const secrets =
      base === undefined && override.secrets === undefined
        ? {}
        : { secrets: { ...base?.secrets, ...override.secrets } };
    merged[name] = { ...base, ...override, ...secrets };
  }
  const result = z.record(dnsLabelSchema, environmentTypeSchema).safeParse(merged);
  return result.success ? { success: true, data: deepFreeze(result.data) } : result;
}

export function knownTypeNames(catalogue: EnvironmentTypeCatalogue): string[] {
  return Object.keys(catalogue).sort();
}
