/** Who is calling, as established by an `Authenticator`. */
export interface Principal {
  /** Stable subject: a user's e-mail or id, or a service account name. */
  readonly subject: string;
  readonly groups: readonly string[];
  readonly kind: 'user' | 'service';
  /** Which authenticator recognised the credentials, e.g. `static-token`. */
  readonly authenticatedBy: string;
}
