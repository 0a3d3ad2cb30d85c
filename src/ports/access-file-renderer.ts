import type { AccessFile } from '../domain/access/access-output.js';
import type { Tenancy } from '../domain/tenancy/tenancy-schema.js';

/**
 * Renders every access file of a checked tenancy model: the same files, byte for byte and
 * in the same (path) order, as the in-process `compileAccess(model).files`, wherever the
 * work runs. Rejects with an `UnavailableError` when the machinery running it fails.
 */
export interface AccessFileRenderer {
  readonly render: (model: Tenancy) => Promise<readonly AccessFile[]>;
}
