import type { FieldError } from '../domain/errors.js';

/** The texts the access model is built from, as read in one go. */
export interface AccessSourceSnapshot {
  /** Where the tenancy came from (a path), and its text; absent: no tenancy configured. */
  readonly tenancy?: { readonly source: string; readonly text: string };
  /** Every operator policy file, in a stable order. */
  readonly policyFiles: readonly { readonly source: string; readonly text: string }[];
}

/**
 * Where the tenancy file and the operator's `.cedar` policies live. `fingerprint` is cheap
 * and changes whenever a read would return something different, so a poller can skip work.
 */
export interface AccessSource {
  read(): Promise<AccessSourceSnapshot>;
  fingerprint(): Promise<string>;
  /** Human-readable locations for status pages. */
  readonly locations: { readonly tenancy?: string; readonly policyDirectory?: string };
}

/** What `GET /api/v1/tenancy/status` shows. */
export interface AccessModelStatus {
  /** `ok`: the last read is in force; `error`: it was rejected and an older one still is. */
  readonly state: 'ok' | 'error';
  readonly tenancy: string | null;
  readonly policy_directory: string | null;
  /** SHA-256 of the texts in force. */
  readonly revision: string;
  readonly loaded_at: string;
  readonly checked_at: string;
  readonly counts: {
    readonly organizations: number;
    readonly products: number;
    readonly pools: number;
    readonly policies: number;
    readonly operator_policies: number;
  };
  /**
   * What the model in force may get wrong without being refused (`tenancyWarnings`, e.g. a
   * Grafana group without an IdP object id), each with its key path.
   */
  readonly warnings: readonly FieldError[];
  readonly last_error: {
    readonly at: string;
    readonly message: string;
    readonly errors: readonly FieldError[];
  } | null;
}
