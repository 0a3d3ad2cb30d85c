/**
 * Where the renderer keeps each environment's desired state and its deployment record.
 * Kept apart from the claim buckets, so the claim watcher never sees rendered output:
 *
 * - files: the objects Flux reads, one prefix per environment;
 * - records: the platform's own JSON record per environment (phase, resolved versions,
 *   history); never applied.
 *
 * Where each adapter keeps them:
 * - fs (embedded default): `<store.path>/rendered/<environment>/<path>` and
 *   `<store.path>/deployments/<environment>.json`, directories beside the claim buckets;
 * - S3: one bucket (`store.s3.buckets.rendered`) with keys `rendered/<environment>/<path>`
 *   and `deployments/<environment>.json`; each file's SHA-256 is its `sha256` metadata.
 *
 * Paths are relative and `/`-separated (`environment/services/user-service.yaml`).
 */
export interface RenderedStore {
  /** A human name for messages and logs (a directory or `s3://bucket`). */
  readonly location: string;
  /** SHA-256 (hex) of every file stored for `environment`, by path; empty when none. */
  hashes(environment: string): Promise<Map<string, string>>;
  /** Writes (creates or replaces) one file atomically. */
  writeFile(environment: string, path: string, body: Uint8Array): Promise<void>;
  /** Removes one file; absent is fine. Empty folders go with it. */
  removeFile(environment: string, path: string): Promise<void>;
  /** Removes every file and the record of `environment`; `false` when there was nothing. */
  removeEnvironment(environment: string): Promise<boolean>;
  /** Every environment with rendered files or a record, sorted. */
  environments(): Promise<string[]>;
  /** The deployment record, or `undefined`. */
  readRecord(environment: string): Promise<Uint8Array | undefined>;
  /** Replaces the deployment record atomically. */
  writeRecord(environment: string, body: Uint8Array): Promise<void>;
}
