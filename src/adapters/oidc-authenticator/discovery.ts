import { z } from 'zod';
import { idpUrlProblem } from '../../config/oidc-config-schema.js';

const discoveryDocumentSchema = z.looseObject({
  issuer: z.string(),
  jwks_uri: z.string(),
});

/** The well-known discovery URL of an issuer (OpenID Connect Discovery 1.0 §4). */
export function discoveryUrl(issuer: string): string {
  // §4.1: a terminating "/" of the issuer is removed before the well-known path is appended
  // (Authentik's issuers end in one).
  return `${issuer.replace(/\/+$/, '')}/.well-known/openid-configuration`;
}

/**
 * Fetches the issuer's discovery document and returns its `jwks_uri`. Throws with a
 * reason fit for the log when the IdP does not answer in time, answers anything but 200
 * with JSON, names another issuer (§4.3: that would let one IdP speak for another), or
 * points at a JWKS that is not https.
 */
export async function discoverJwksUri(
  issuer: string,
  options: { fetchImpl: typeof fetch; timeoutMs: number },
): Promise<string> {
  const response = await options.fetchImpl(discoveryUrl(issuer), {
    headers: { accept: 'application/json' },
    redirect: 'manual',
    signal: AbortSignal.timeout(options.timeoutMs),
  });
  if (response.status !== 200) {
    await response.body?.cancel();
    throw new Error(`discovery answered HTTP ${response.status}`);
  }
  const document = discoveryDocumentSchema.safeParse(await response.json());
  if (!document.success) throw new Error('discovery document has no issuer or jwks_uri');
  const { issuer: named, jwks_uri: jwksUri } = document.data;
  if (named !== issuer) {
    throw new Error(`discovery document names another issuer: ${named.slice(0, 200)}`);
  }
  const problem = idpUrlProblem(jwksUri);
  if (problem !== undefined) throw new Error(`discovery document's jwks_uri ${problem}`);
  return jwksUri;
}
