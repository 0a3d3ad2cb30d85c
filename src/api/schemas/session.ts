import { z } from 'zod';
import { ACTIONS } from '../../domain/policy/actions.js';

/** One OpenID Provider the CLI may sign in with (`auth.oidc[].cli` of the server's config). */
export const loginIssuerSchema = z.strictObject({
  issuer: z.string(),
  client_id: z.string().meta({ description: 'A public client allowed the device grant.' }),
  scopes: z.array(z.string()),
  resource: z
    .string()
    .optional()
    .meta({ description: 'RFC 8707 resource indicator to request the API audience with.' }),
});

/** One OpenID Provider the web console may sign in with (`auth.oidc[].console`). */
export const consoleIssuerSchema = z.strictObject({
  issuer: z.string(),
  client_id: z.string().meta({
    description:
      'A public client allowed the authorization code grant with PKCE (S256), redirecting to <server origin>/signin/callback.',
  }),
  scopes: z.array(z.string()),
  resource: z
    .string()
    .optional()
    .meta({ description: 'RFC 8707 resource indicator to request the API audience with.' }),
});

/** `GET /login-config`: how `platformctl login` and the web console sign a person in. Public. */
export const loginConfigSchema = z
  .strictObject({
    issuers: z
      .array(loginIssuerSchema)
      .meta({ description: 'For `platformctl login` (the device grant).' }),
    console: z
      .array(consoleIssuerSchema)
      .meta({ description: 'For the web console (authorization code with PKCE).' }),
  })
  .meta({ id: 'LoginConfig' });

/** `GET /api/v1/me`: who the caller is to the platform, and what it may do. */
export const whoAmISchema = z
  .strictObject({
    subject: z.string(),
    kind: z.enum(['user', 'service']),
    groups: z.array(z.string()).meta({ description: 'IdP groups (or the token’s groups).' }),
    platform_actions: z.array(z.enum(ACTIONS)).meta({
      description: 'Actions on the platform itself the caller may take (audit:read, …).',
    }),
    create: z
      .array(z.strictObject({ pool: z.string(), types: z.array(z.string()) }))
      .meta({ description: 'Where the caller may create environments: pools and their types.' }),
    create_any_pool: z.array(z.string()).meta({
      description:
        'Types the caller may create in any pool, also one the tenancy model does not name (platform admins).',
    }),
  })
  .meta({ id: 'WhoAmI' });
