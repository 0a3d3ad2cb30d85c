import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ENTRY = fileURLToPath(
  new URL('../../src/adapters/oci-registry/push/index.ts', import.meta.url),
);
/** What only the server needs: `platform-deploy --local` must start without them. */
const SERVER_PACKAGES =
  /^(pino|hono|@hono\/|@cedar-policy\/|@kubernetes-models\/|kubernetes-models|pg)\b/;
// `import type …` and `export type … from` are erased (verbatimModuleSyntax): not loaded.
const LOADED = /^\s*(?:import|export)\s+(?!type\b)(?:[^'";]*?\sfrom\s+)?['"]([^'"]+)['"]/gm;
const DYNAMIC = /\bimport\(\s*['"]([^'"]+)['"]\s*\)/g;

/** Every module specifier loaded at run time from `entry`, following relative imports. */
async function loadedSpecifiers(entry: string): Promise<{ files: string[]; packages: string[] }> {
  const files = new Set<string>();
  const packages = new Set<string>();
  const visit = async (file: string): Promise<void> => {
    if (files.has(file)) return;
    files.add(file);
    const text = await readFile(file, 'utf8');
    for (const match of [...text.matchAll(LOADED), ...text.matchAll(DYNAMIC)]) {
      const specifier = match[1]!;
      if (specifier.startsWith('.')) {
        await visit(resolve(dirname(file), specifier.replace(/\.js$/, '.ts')));
      } else {
        packages.add(specifier);
      }
    }
  };
  await visit(entry);
  return { files: [...files], packages: [...packages].sort() };
}

describe('the local push entry', () => {
  it('loads no server package (the CLI must start fast)', async () => {
    const { files, packages } = await loadedSpecifiers(ENTRY);
    expect(files.length).toBeGreaterThan(5);
    expect(packages.filter((p) => SERVER_PACKAGES.test(p))).toEqual([]);
    // The trace sees packages at all: zod comes in through the shared auth code.
    expect(packages).toContain('zod');
  });

  it('would notice a server package (the trace works)', async () => {
    const main = fileURLToPath(new URL('../../src/main.ts', import.meta.url));
    const { packages } = await loadedSpecifiers(main);
    expect(packages.some((p) => SERVER_PACKAGES.test(p))).toBe(true);
  });
});
