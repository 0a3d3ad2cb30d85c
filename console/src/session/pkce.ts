/**
 * OpenID Connect authorization code flow with PKCE (RFC 7636, S256) for a public client.
 * Only what survives the redirect to the IdP and back is kept in sessionStorage: the code
 * verifier, the state and where to return. The tokens never leave memory.
 */
import { signIn } from './session.js';

/** One issuer the console may sign in with (`console` in `GET /login-config`). */
export interface ConsoleIssuer {
  readonly issuer: string;
  readonly client_id: string;
  readonly scopes: readonly string[];
  readonly resource?: string | undefined;
}

interface PendingSignIn {
  readonly issuer: ConsoleIssuer;
  readonly verifier: string;
  readonly state: string;
  readonly returnTo: string;
}

const PENDING_KEY = 'platform-console.pending-sign-in';
export const CALLBACK_PATH = '/signin/callback';

/** A sign-in that could not finish; the message is shown as is. */
export class SignInError extends Error {}

function base64Url(bytes: Uint8Array): string {
  let text = '';
  for (const byte of bytes) text += String.fromCharCode(byte);
  return btoa(text).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

const randomText = (): string => base64Url(crypto.getRandomValues(new Uint8Array(32)));

async function challengeOf(verifier: string): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier));
  return base64Url(new Uint8Array(digest));
}

interface ProviderMetadata {
  readonly authorization_endpoint: string;
  readonly token_endpoint: string;
  readonly end_session_endpoint?: string;
}

async function metadataOf(issuer: string): Promise<ProviderMetadata> {
  const url = `${issuer.replace(/\/$/, '')}/.well-known/openid-configuration`;
  let response: Response;
  try {
    response = await fetch(url, { headers: { accept: 'application/json' } });
  } catch {
    throw new SignInError(`cannot reach the identity provider ${issuer}`);
  }
  if (!response.ok) {
    throw new SignInError(`the identity provider ${issuer} answered HTTP ${response.status}`);
  }
  const metadata = (await response.json()) as Partial<ProviderMetadata>;
  if (
    typeof metadata.authorization_endpoint !== 'string' ||
    typeof metadata.token_endpoint !== 'string'
  ) {
    throw new SignInError(`the identity provider ${issuer} has no authorization endpoint`);
  }
  return metadata as ProviderMetadata;
}

const redirectUri = (): string => `${location.origin}${CALLBACK_PATH}`;

/** Sends the browser to the IdP; it comes back to {@link CALLBACK_PATH}. */
export async function startSignIn(issuer: ConsoleIssuer, returnTo: string): Promise<void> {
  const metadata = await metadataOf(issuer.issuer);
  const pending: PendingSignIn = { issuer, verifier: randomText(), state: randomText(), returnTo };
  sessionStorage.setItem(PENDING_KEY, JSON.stringify(pending));
  const url = new URL(metadata.authorization_endpoint);
  url.search = new URLSearchParams({
    response_type: 'code',
    client_id: issuer.client_id,
    redirect_uri: redirectUri(),
    scope: issuer.scopes.join(' '),
    state: pending.state,
    code_challenge: await challengeOf(pending.verifier),
    code_challenge_method: 'S256',
    ...(issuer.resource === undefined ? {} : { resource: issuer.resource }),
  }).toString();
  location.assign(url.toString());
}

/**
 * Finishes a sign-in on the callback URL: checks the state, exchanges the code with the
 * verifier, and signs in. Returns where the user was going.
 */
export async function completeSignIn(callback: URL): Promise<string> {
  const saved = sessionStorage.getItem(PENDING_KEY);
  sessionStorage.removeItem(PENDING_KEY);
  const pending = saved === null ? undefined : (JSON.parse(saved) as PendingSignIn);
  const error = callback.searchParams.get('error');
  if (error !== null) {
    const description = callback.searchParams.get('error_description');
    throw new SignInError(`the identity provider refused the sign-in: ${description ?? error}`);
  }
  if (pending === undefined || callback.searchParams.get('state') !== pending.state) {
    throw new SignInError('this sign-in was not started here or has expired; sign in again');
  }
  const code = callback.searchParams.get('code');
  if (code === null) throw new SignInError('the identity provider sent no authorization code');
  const metadata = await metadataOf(pending.issuer.issuer);
  const response = await fetch(metadata.token_endpoint, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
    body: new URLSearchParams({
      grant_type: 'authorization_code',
      code,
      redirect_uri: redirectUri(),
      client_id: pending.issuer.client_id,
      code_verifier: pending.verifier,
      ...(pending.issuer.resource === undefined ? {} : { resource: pending.issuer.resource }),
    }),
  }).catch(() => {
    throw new SignInError(`cannot reach the identity provider ${pending.issuer.issuer}`);
  });
  const answer = (await response.json().catch(() => ({}))) as {
    access_token?: unknown;
    expires_in?: unknown;
    error?: unknown;
    error_description?: unknown;
  };
  if (!response.ok || typeof answer.access_token !== 'string') {
    const reason = [answer.error_description, answer.error].find(
      (text): text is string => typeof text === 'string',
    );
    throw new SignInError(
      `the identity provider refused the code: ${reason ?? `HTTP ${response.status}`}`,
    );
  }
  signIn({
    token: answer.access_token,
    via: 'oidc',
    issuer: pending.issuer.issuer,
    ...(typeof answer.expires_in === 'number'
      ? { expiresAt: Date.now() + answer.expires_in * 1000 }
      : {}),
  });
  return pending.returnTo;
}
