import { hash } from 'node:crypto';
import { z } from 'zod';
import { OUTPUT_TOOLS, type AccessFile } from './access-output.js';
import { toJson } from './serialize.js';

/**
 * The ownership manifest a render leaves in its output directory. `plan` and `render`
 * remove only files listed here, so hand-made files next to generated ones are never
 * touched. It is JSON with sorted entries, so it diffs as calmly as the files it lists.
 */
export const MANIFEST_FILE = '.access-manifest.json';

const sha256Hex = z.string().regex(/^[0-9a-f]{64}$/, 'must be a lowercase hex SHA-256');

export const manifestEntrySchema = z.strictObject({
  path: z.string().min(1),
  tool: z.enum(OUTPUT_TOOLS),
  sha256: sha256Hex,
  objects: z.array(z.string()),
});
export type ManifestEntry = z.infer<typeof manifestEntrySchema>;

export const manifestSchema = z.strictObject({
  generator: z.literal('platformctl access render'),
  version: z.literal(1),
  /** SHA-256 of the tenancy model's canonical JSON the files were rendered from. */
  model: sha256Hex,
  files: z.array(manifestEntrySchema),
});
export type Manifest = z.infer<typeof manifestSchema>;

export function sha256(text: string): string {
  return hash('sha256', text, 'hex');
}

/** The tool folder of a generated path (`kubernetes/namespaces/koa-dev.yaml` → kubernetes). */
export function toolOfPath(path: string): ManifestEntry['tool'] {
  const tool = OUTPUT_TOOLS.find((candidate) => path.startsWith(`${candidate}/`));
  if (!tool) throw new TypeError(`generated path outside every tool folder: ${path}`);
  return tool;
}

export function buildManifest(files: readonly AccessFile[], modelHash: string): Manifest {
  return {
    generator: 'platformctl access render',
    version: 1,
    model: modelHash,
    files: files.map((file) => ({
      path: file.path,
      tool: toolOfPath(file.path),
      sha256: sha256(file.content),
      objects: [...file.objects],
    })),
  };
}

export function manifestText(manifest: Manifest): string {
  return toJson(manifest);
}
