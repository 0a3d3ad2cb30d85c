/** Who is calling, as established by an `Authenticator`. */
export interface Principal {
  /** Stable subject: a user's e-mail or id, or a service account name. */
  readonly subject: string;
  /** IdP groups (OIDC groups claim) or the groups configured for a token. */
  readonly groups: readonly string[];
  readonly kind: 'user' | 'service';
  /** Which authenticator recognised the credentials, e.g. `static-token`, `oidc:<issuer>`. */
  readonly authenticatedBy: string;
  /**
   * Actions a service token is limited to; absent means no limit beyond the policies.
   * A principal never gains an action through a scope, it can only lose some.
   */
  readonly scopes?: readonly string[];
}

/** A principal acting within one request; the request id ties audit records to logs. */
export interface Caller extends Principal {
  readonly requestId?: string;
}
