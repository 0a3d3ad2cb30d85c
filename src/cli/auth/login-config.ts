import { z } from 'zod';
import { InputError, UnavailableError } from '../../domain/errors.js';
import { requestJson } from './idp-http.js';

/** One issuer the server offers the CLI (`GET /login-config`, from `auth.oidc[].cli`). */
export interface LoginIssuer {
  readonly issuer: string;
  readonly clientId: string;
  readonly scopes?: readonly string[];
  readonly resource?: string;
}

const loginConfigSchema = z.object({
  issuers: z.array(
    z.object({
      issuer: z.string().min(1),
      client_id: z.string().min(1),
      scopes: z.array(z.string().min(1)).optional(),
      resource: z.string().min(1).optional(),
    }),
  ),
});

/**
 * The issuers `server` lets people log in with, read from `GET {server}/login-config` (no
 * auth). An empty list is a server without an OIDC issuer for the CLI. Throws
 * `InputError` when the server has no such route (it predates issue 14) and
 * `UnavailableError` when it cannot be reached.
 */
export async function fetchLoginIssuers(
  server: string,
  fetchImpl: typeof fetch,
): Promise<LoginIssuer[]> {
  const url = `${server}/login-config`;
  const { status, body } = await requestJson(url, {}, 'the platform server', fetchImpl);
  if (status === 404) {
    throw new InputError(
      `${server} does not publish /login-config; pass --issuer and --client-id to log in`,
    );
  }
  const parsed = loginConfigSchema.safeParse(body);
  if (status !== 200 || !parsed.success) {
    throw new UnavailableError(`${url} answered HTTP ${status} with an unusable login config`);
  }
  return parsed.data.issuers.map((entry) => ({
    issuer: entry.issuer,
    clientId: entry.client_id,
    ...(entry.scopes === undefined ? {} : { scopes: entry.scopes }),
    ...(entry.resource === undefined ? {} : { resource: entry.resource }),
  }));
}
