import type { AccessFile } from '../domain/access/access-output.js';
import type { Manifest } from '../domain/access/manifest.js';

/**
 * Where rendered access configuration lives (a directory in a GitOps repository). The
 * compiler reads what is there to plan, and applies a plan: it writes and removes only what
 * the plan says, and the manifest last, so an interrupted render is re-planned correctly.
 */
export interface AccessOutputDirectory {
  /** A human name for messages (the path). */
  readonly location: string;
  /** The ownership manifest of the last render; undefined when there is none. */
  readonly readManifest: () => Promise<Manifest | undefined>;
  /** SHA-256 of every file present, by `/`-separated relative path, manifest excluded. */
  readonly hashes: () => Promise<Map<string, string>>;
  readonly apply: (change: {
    readonly writes: readonly AccessFile[];
    readonly removals: readonly string[];
    readonly manifest: Manifest;
  }) => Promise<void>;
}
