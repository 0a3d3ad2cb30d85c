import type { Authenticator } from '../../ports/authenticator.js';

/**
 * Asks each authenticator in turn; the first that recognises the credentials wins. Each
 * one declines foreign token shapes at once (a JWT is not a `pst_` token), so the order
 * costs nothing and no token is sent anywhere it does not belong.
 */
export function chainAuthenticators(authenticators: readonly Authenticator[]): Authenticator {
  return {
    async authenticate(credentials) {
      for (const authenticator of authenticators) {
        const principal = await authenticator.authenticate(credentials);
        if (principal) return principal;
      }
      return undefined;
    },
  };
}
