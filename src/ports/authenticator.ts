import type { Principal } from './principal.js';

/**
 * Turns the credentials of a request into a principal. Returns `undefined` when the
 * credentials are missing or not recognised; never says which, to give an attacker nothing.
 */
export interface Authenticator {
  authenticate(credentials: { authorization: string | undefined }): Promise<Principal | undefined>;
}
