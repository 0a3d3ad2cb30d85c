import { createPlatformClient, type CallResult } from '../../../src/cli/client/platform-client.js';
import type { RouteDefinition, RouteInput } from '../../../src/api/route-definition.js';
import { NotAuthenticatedError } from '../../../src/domain/errors.js';
import { currentSession, signOut } from '../session/session.js';

/**
 * The same typed client as the CLI, on the page's origin with the in-memory token. A 401
 * ends the session: the token expired or was revoked, and the sign-in page says so.
 */
export async function call<R extends RouteDefinition>(
  route: R,
  input?: RouteInput<R>,
): Promise<CallResult<R>> {
  const session = currentSession();
  const client = createPlatformClient({
    baseUrl: location.origin,
    token: () =>
      session === undefined
        ? Promise.reject(new NotAuthenticatedError('not signed in'))
        : Promise.resolve(session.token),
    attempts: 2,
  });
  try {
    return await client.call(route, input);
  } catch (error) {
    if (error instanceof NotAuthenticatedError && currentSession() === session) {
      signOut(error.message);
    }
    throw error;
  }
}
