import { z } from 'zod';
import { idpUrlProblem } from '../../config/oidc-config-schema.js';
import { InputError, UnavailableError } from '../../domain/errors.js';
import { requestJson } from './idp-http.js';

/** The endpoints of an issuer the CLI uses. */
export interface IssuerEndpoints {
  readonly issuer: string;
  readonly deviceAuthorizationEndpoint: string;
  readonly tokenEndpoint: string;
}

const metadataSchema = z.object({
  issuer: z.string(),
  token_endpoint: z.string(),
  device_authorization_endpoint: z.string().optional(),
});

/**
 * Reads `<issuer>/.well-known/openid-configuration` (OpenID Connect Discovery 1.0 §4).
 * Refuses metadata for another issuer (§4.3, mix-up attacks), an issuer without the device
 * grant, and endpoints a token would travel to in clear text (http beyond loopback).
 */
export async function discoverIssuer(
  issuer: string,
  fetchImpl: typeof fetch,
): Promise<IssuerEndpoints> {
  const problem = idpUrlProblem(issuer);
  if (problem !== undefined) throw new InputError(`issuer '${issuer}' ${problem}`);
  const url = `${issuer.replace(/\/+$/, '')}/.well-known/openid-configuration`;
  const { status, body } = await requestJson(url, {}, 'the issuer', fetchImpl);
  const host = new URL(url).host;
  const parsed = metadataSchema.safeParse(body);
  if (status !== 200 || !parsed.success) {
    throw new UnavailableError(
      `the issuer at ${host} has no usable discovery document (HTTP ${status} at ${url})`,
    );
  }
  const metadata = parsed.data;
  // Only a trailing slash may differ: some users type the issuer without the one `iss` has.
  if (metadata.issuer.replace(/\/+$/, '') !== issuer.replace(/\/+$/, '')) {
    throw new InputError(
      `the discovery document at ${url} is for issuer '${metadata.issuer}', not '${issuer}'`,
    );
  }
  if (metadata.device_authorization_endpoint === undefined) {
    throw new InputError(
      `issuer '${metadata.issuer}' does not offer the device authorization grant (no device_authorization_endpoint); enable it for the CLI's client at the IdP`,
    );
  }
  for (const [name, endpoint] of [
    ['token_endpoint', metadata.token_endpoint],
    ['device_authorization_endpoint', metadata.device_authorization_endpoint],
  ] as const) {
    const endpointProblem = idpUrlProblemAllowingQuery(endpoint);
    if (endpointProblem !== undefined) {
      throw new InputError(`issuer '${metadata.issuer}': ${name} ${endpointProblem}`);
    }
  }
  return {
    issuer: metadata.issuer,
    deviceAuthorizationEndpoint: metadata.device_authorization_endpoint,
    tokenEndpoint: metadata.token_endpoint,
  };
}

// RFC 6749 §3.2 lets an endpoint URL carry a query; the transport rule is what matters here.
function idpUrlProblemAllowingQuery(text: string): string | undefined {
  if (!URL.canParse(text)) return 'must be an absolute URL';
  const url = new URL(text);
  url.search = '';
  return idpUrlProblem(url.href);
}
