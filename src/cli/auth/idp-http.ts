import { UnavailableError } from '../../domain/errors.js';

/** A request to the IdP or the server that takes longer than this counts as unreachable. */
const REQUEST_TIMEOUT_MS = 15_000;

/** A JSON answer below 500 (those are the caller's to interpret) and its status. */
export interface JsonAnswer {
  readonly status: number;
  readonly body: unknown;
}

/** An OAuth 2.0 error answer (RFC 6749 §5.2), as far as the CLI uses it. */
export interface OAuthErrorBody {
  readonly error: string;
  readonly error_description?: string;
}

/**
 * Sends `init` to `url` and reads a JSON body. Unreachable, timed out, 5xx or not JSON:
 * `UnavailableError` naming `what` and the host (never the body, which may echo a token).
 */
export async function requestJson(
  url: string,
  init: RequestInit,
  what: string,
  fetchImpl: typeof fetch,
): Promise<JsonAnswer> {
  const host = new URL(url).host;
  let response: Response;
  try {
    response = await fetchImpl(url, {
      ...init,
      headers: { accept: 'application/json', ...init.headers },
      signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
    });
  } catch (error) {
    throw new UnavailableError(`cannot reach ${what} at ${host}: ${reason(error)}`, {
      cause: error,
    });
  }
  if (response.status >= 500) {
    await response.body?.cancel();
    throw new UnavailableError(`${what} at ${host} answered HTTP ${response.status}`);
  }
  const text = await response.text();
  try {
    return { status: response.status, body: JSON.parse(text) as unknown };
  } catch (error) {
    throw new UnavailableError(
      `${what} at ${host} answered HTTP ${response.status} without a JSON body`,
      { cause: error },
    );
  }
}

/** POSTs `form` as application/x-www-form-urlencoded (what OAuth endpoints take). */
export function postForm(
  url: string,
  form: Record<string, string | undefined>,
  what: string,
  fetchImpl: typeof fetch,
): Promise<JsonAnswer> {
  const body = new URLSearchParams();
  for (const [name, value] of Object.entries(form)) if (value !== undefined) body.set(name, value);
  return requestJson(
    url,
    {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body,
    },
    what,
    fetchImpl,
  );
}

/** The OAuth error in `body`, or `undefined` when it is not one. */
export function oauthError(body: unknown): OAuthErrorBody | undefined {
  if (typeof body !== 'object' || body === null) return undefined;
  const { error, error_description: description } = body as Record<string, unknown>;
  if (typeof error !== 'string') return undefined;
  return typeof description === 'string' ? { error, error_description: description } : { error };
}

/** `error: description`, for one-line messages. */
export function describeOAuthError(error: OAuthErrorBody): string {
  return error.error_description ? `${error.error}: ${error.error_description}` : error.error;
}

// fetch() wraps the interesting part (ECONNREFUSED, ENOTFOUND, a timeout) in `cause`.
function reason(error: unknown): string {
  if (error instanceof Error && error.name === 'TimeoutError') return 'timed out';
  const cause = error instanceof Error ? error.cause : undefined;
  if (cause instanceof Error) {
    const code = (cause as { code?: unknown }).code;
    return typeof code === 'string' ? code : cause.message;
  }
  return error instanceof Error ? error.message : String(error);
}
