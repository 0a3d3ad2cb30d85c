import type { JWTPayload } from 'jose';
import type { Principal } from '../../ports/principal.js';

/**
 * The value of a claim. A name present as-is wins (namespaced claims such as
 * `https://example.com/groups` contain dots); otherwise it is read as a dotted path into
 * nested objects (`realm_access.roles`). Only own properties are followed, so
 * `__proto__` or `constructor` never reach outside the payload.
 */
export function readClaim(payload: JWTPayload, name: string): unknown {
  if (Object.hasOwn(payload, name)) return payload[name];
  let value: unknown = payload;
  for (const segment of name.split('.')) {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
    if (!Object.hasOwn(value, segment)) return undefined;
    value = (value as Record<string, unknown>)[segment];
  }
  return value;
}

/**
 * Whether a verified token was issued to a client acting for itself (client credentials)
 * rather than to a user:
 * - no `sub` at all;
 * - `sub` equal to `client_id`, as RFC 9068 §2.2 asks for grants without a resource owner
 *   (oidc-provider, and IdPs that follow the JWT access token profile);
 * - `idtyp: "app"`, Entra ID's marker of app-only tokens (an optional claim to enable).
 * Anything else is a user, including IdPs that model a client as a service-account user
 * (Keycloak, Authentik): those authenticate as `kind: 'user'` with that user's subject.
 */
export function isClientToken(payload: JWTPayload): boolean {
  const { sub } = payload;
  if (sub === undefined) return true;
  if (typeof payload['client_id'] === 'string' && sub === payload['client_id']) return true;
  return payload['idtyp'] === 'app';
}

/**
 * The groups found at `claim`: a list of strings (other entries are dropped), a single
 * string, or nothing. Duplicates are removed, order kept.
 */
export function groupsFrom(payload: JWTPayload, claim: string): string[] {
  const value = readClaim(payload, claim);
  const list = Array.isArray(value) ? (value as unknown[]) : [value];
  return [...new Set(list.filter((group): group is string => typeof group === 'string'))].filter(
    (group) => group !== '',
  );
}

export type PrincipalResult =
  { readonly principal: Principal } | { readonly principal?: undefined; readonly refused: string };

/**
 * The principal for a verified token. A user needs a non-empty string at `subjectClaim`;
 * a client token falls back to `client_id`, `azp`, then `sub` when that claim is absent
 * (an `email` subject claim finds nothing in a client credentials token).
 */
export function principalFromClaims(
  payload: JWTPayload,
  options: { issuer: string; subjectClaim: string; groupsClaim: string },
): PrincipalResult {
  const claimed = nonEmptyString(readClaim(payload, options.subjectClaim));
  const kind = isClientToken(payload) ? 'service' : 'user';
  const subject =
    kind === 'user'
      ? claimed
      : (claimed ??
        nonEmptyString(payload['client_id']) ??
        nonEmptyString(payload['azp']) ??
        nonEmptyString(payload.sub));
  if (subject === undefined) {
    return { refused: `no string in the subject claim ${options.subjectClaim}` };
  }
  return {
    principal: {
      subject,
      groups: groupsFrom(payload, options.groupsClaim),
      kind,
      authenticatedBy: `oidc:${options.issuer}`,
    },
  };
}

function nonEmptyString(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}
