import type { AccessFile, OutputTool } from '../../domain/access/access-output.js';
import type { Tenancy } from '../../domain/tenancy/tenancy-schema.js';

/** What the main thread sends a render worker: the checked model and the tools it renders. */
export interface RenderRequest {
  readonly model: Tenancy;
  readonly tools: readonly OutputTool[];
}

/** A worker's one answer: its tools' files, or why it failed (then it exits). */
export type RenderReply =
  | { readonly ok: true; readonly files: readonly AccessFile[] }
  | { readonly ok: false; readonly message: string; readonly stack?: string };
