import { z } from 'zod';
import {
  InputError,
  NotAllowedError,
  NotAuthenticatedError,
  UnavailableError,
} from '../../domain/errors.js';
import { describeOAuthError, oauthError, postForm } from './idp-http.js';
import type { IssuerEndpoints } from './issuer-metadata.js';
import { parseTokenAnswer, type TokenSet } from './token-set.js';

const DEVICE_CODE_GRANT = 'urn:ietf:params:oauth:grant-type:device_code';
/** RFC 8628 §3.2: without `interval` the client waits 5 s between polls. */
const DEFAULT_INTERVAL_S = 5;
/** RFC 8628 §3.5: `slow_down` adds 5 s to the interval for this and every later poll. */
const SLOW_DOWN_S = 5;

/** What the person has to do, printed by the caller. */
export interface DevicePrompt {
  readonly verificationUri: string;
  /** The URI with the code in it (RFC 8628 §3.3.1), when the IdP offers one. */
  readonly verificationUriComplete?: string;
  readonly userCode: string;
  readonly expiresInSeconds: number;
}

export interface DeviceFlowOptions {
  readonly endpoints: IssuerEndpoints;
  readonly clientId: string;
  readonly scopes: readonly string[];
  /** RFC 8707 resource indicator, so the token is issued for the platform's audience. */
  readonly resource?: string | undefined;
  readonly onPrompt: (prompt: DevicePrompt) => void;
  readonly fetchImpl?: typeof fetch;
  readonly now?: () => number;
  readonly sleep?: (ms: number) => Promise<void>;
}

const authorizationAnswerSchema = z.object({
  device_code: z.string().min(1),
  user_code: z.string().min(1),
  verification_uri: z.string().min(1),
  verification_uri_complete: z.string().min(1).optional(),
  expires_in: z.number().positive(),
  interval: z.number().int().positive().optional(),
});

/**
 * The OAuth 2.0 Device Authorization Grant (RFC 8628) as a public client: asks for a code,
 * hands it to `onPrompt`, then polls the token endpoint until the person approves (tokens),
 * denies (`NotAllowedError`), or the code expires (`NotAuthenticatedError`). An unreachable
 * or failing IdP is an `UnavailableError`.
 */
export async function runDeviceFlow(options: DeviceFlowOptions): Promise<TokenSet> {
  const fetchImpl = options.fetchImpl ?? fetch;
  const now = options.now ?? Date.now;
  const sleep = options.sleep ?? ((ms: number) => new Promise((r) => setTimeout(r, ms)));
  const { endpoints, clientId } = options;

  const started = now();
  const answer = await postForm(
    endpoints.deviceAuthorizationEndpoint,
    { client_id: clientId, scope: options.scopes.join(' '), resource: options.resource },
    'the device authorization endpoint',
    fetchImpl,
  );
  const authorization = authorizationAnswerSchema.safeParse(answer.body);
  if (answer.status !== 200 || !authorization.success) {
    throw refusal(answer.body, 'the device authorization request', answer.status);
  }
  const device = authorization.data;
  options.onPrompt({
    verificationUri: device.verification_uri,
    ...(device.verification_uri_complete === undefined
      ? {}
      : { verificationUriComplete: device.verification_uri_complete }),
    userCode: device.user_code,
    expiresInSeconds: device.expires_in,
  });

  const deadline = started + device.expires_in * 1000;
  let intervalMs = (device.interval ?? DEFAULT_INTERVAL_S) * 1000;
  const host = new URL(endpoints.tokenEndpoint).host;
  for (;;) {
    await sleep(intervalMs);
    if (now() >= deadline) throw expired();
    const poll = await postForm(
      endpoints.tokenEndpoint,
      { grant_type: DEVICE_CODE_GRANT, device_code: device.device_code, client_id: clientId },
      'the token endpoint',
      fetchImpl,
    );
    if (poll.status === 200) return parseTokenAnswer(poll.body, now(), host);
    switch (oauthError(poll.body)?.error) {
      case 'authorization_pending':
        continue;
      case 'slow_down':
        intervalMs += SLOW_DOWN_S * 1000;
        continue;
      case 'expired_token':
        throw expired();
      case 'access_denied':
        throw new NotAllowedError('the login was denied at the identity provider');
      default:
        throw refusal(poll.body, 'the token request', poll.status);
    }
  }
}

function expired(): NotAuthenticatedError {
  return new NotAuthenticatedError(
    'the code expired before it was approved; run platformctl login again',
  );
}

/** A 4xx OAuth error: the person or the client's setup at the IdP is refused. */
function refusal(body: unknown, what: string, status: number): Error {
  const error = oauthError(body);
  if (error === undefined) {
    return new UnavailableError(`${what} got an unexpected answer (HTTP ${status})`);
  }
  // Fixable on the command line: a scope or resource the IdP does not know.
  if (['invalid_scope', 'invalid_target', 'invalid_request'].includes(error.error)) {
    return new InputError(`${what} was refused: ${describeOAuthError(error)}`);
  }
  return new NotAllowedError(`${what} was refused: ${describeOAuthError(error)}`);
}
