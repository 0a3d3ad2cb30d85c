import type { z } from 'zod';
import type { loginConfigSchema } from '../api/schemas/session.js';
import type { OidcIssuerConfig } from '../config/oidc-config-schema.js';

/**
 * `GET /login-config` from `auth.oidc`: the issuers with a `cli` client (for
 * `platformctl login`) and those with a `console` client (for the web console), each in
 * config order. Nothing secret is in either: both are public clients.
 */
export function loginConfigOf(
  issuers: readonly OidcIssuerConfig[],
): z.infer<typeof loginConfigSchema> {
  const publicClient = (
    issuer: string,
    client: { clientId: string; scopes: readonly string[]; resource?: string | undefined },
  ) => ({
    issuer,
    client_id: client.clientId,
    scopes: [...client.scopes],
    ...(client.resource === undefined ? {} : { resource: client.resource }),
  });
  return {
    issuers: issuers.flatMap((entry) => (entry.cli ? [publicClient(entry.issuer, entry.cli)] : [])),
    console: issuers.flatMap((entry) =>
      entry.console ? [publicClient(entry.issuer, entry.console)] : [],
    ),
  };
}

/**
 * The origins the web console's browser code talks to besides its own: those of the issuers
 * it signs in with (discovery document and token endpoint), for its Content-Security-Policy.
 */
export function consoleIssuerOrigins(issuers: readonly OidcIssuerConfig[]): string[] {
  return [
    ...new Set(
      issuers.filter((entry) => entry.console).map((entry) => new URL(entry.issuer).origin),
    ),
  ];
}
