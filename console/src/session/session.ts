/**
 * Who is signed in: the bearer token lives in this module's memory only, never in
 * localStorage or a cookie, so a script injected later or another tab cannot read it and a
 * reload signs the user out (the IdP's session usually signs them straight back in).
 */
export interface Session {
  readonly token: string;
  /** `pasted`: a service or demo token; `oidc`: authorization code + PKCE. */
  readonly via: 'pasted' | 'oidc';
  /** The issuer that signed an `oidc` session in, for sign-out. */
  readonly issuer?: string;
  /** Epoch ms after which the token is no longer accepted (from `expires_in`). */
  readonly expiresAt?: number;
}

type Listener = (session: Session | undefined) => void;

let current: Session | undefined;
let endedBecause: string | undefined;

/** Why the last session ended when the user did not sign out (an expired token). */
export const sessionEndReason = (): string | undefined => endedBecause;
const listeners = new Set<Listener>();

export const currentSession = (): Session | undefined => current;

export function signIn(session: Session): void {
  current = session;
  endedBecause = undefined;
  for (const listener of listeners) listener(current);
}

export function signOut(reason?: string): void {
  current = undefined;
  endedBecause = reason;
  for (const listener of listeners) listener(current);
}

/** Calls `listener` on every sign-in and sign-out; returns the unsubscribe function. */
export function onSessionChange(listener: Listener): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}
