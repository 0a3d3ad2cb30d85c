import { createHash } from 'node:crypto';
import { mkdir, readdir, readFile, rename, rm, rmdir, writeFile } from 'node:fs/promises';
import { dirname, join, relative, sep } from 'node:path';
import { MANIFEST_FILE, manifestSchema, manifestText } from '../../domain/access/manifest.js';
import { InputError } from '../../domain/errors.js';
import { parseYamlText } from '../../domain/shared/yaml-text.js';
import { toFieldErrors } from '../../domain/shared/zod-errors.js';
import type { AccessOutputDirectory } from '../../ports/access-output-directory.js';

/** Folders that are never the compiler's: version control and editors' droppings. */
const SKIPPED = new Set(['.git']);

async function listFiles(root: string): Promise<string[]> {
  const found: string[] = [];
  const walk = async (dir: string): Promise<void> => {
    let entries;
    try {
      entries = await readdir(dir, { withFileTypes: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw error;
    }
    for (const entry of entries) {
      if (SKIPPED.has(entry.name)) continue;
      const path = join(dir, entry.name);
      if (entry.isDirectory()) await walk(path);
      else if (entry.isFile()) found.push(relative(root, path).split(sep).join('/'));
    }
  };
  await walk(root);
  return found;
}

async function writeAtomically(path: string, content: string): Promise<void> {
  const temporary = `${path}.${process.pid}.tmp`;
  await writeFile(temporary, content, 'utf8');
  await rename(temporary, path);
}

/**
 * Runs `task` over `items`, `limit` at a time: tens of thousands of small files are read and
 * written far faster with the file system kept busy than one await after another.
 */
async function eachLimited<T>(
  items: readonly T[],
  limit: number,
  task: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const item = items[next++] as T;
      await task(item);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

const IO_CONCURRENCY = 32;

/** Removes now-empty parent folders up to (not including) the root. */
async function pruneEmpty(root: string, path: string): Promise<void> {
  for (let dir = dirname(path); dir !== root && dir.startsWith(root); dir = dirname(dir)) {
    try {
      await rmdir(dir);
    } catch {
      return; // not empty, or gone: either way, stop here
    }
  }
}

/**
 * The output directory on the local file system. Paths come from the compiler, never from
 * users, but are still checked to stay inside the root.
 */
export function createFsAccessOutputDirectory(root: string): AccessOutputDirectory {
  const inside = (path: string): string => {
    const full = join(root, path);
    if (relative(root, full).startsWith('..') || path.includes('\0'))
      throw new TypeError(`path escapes the output directory: ${path}`);
    return full;
  };
  return {
    location: root,
    readManifest: async () => {
      let text: string;
      try {
        text = await readFile(join(root, MANIFEST_FILE), 'utf8');
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
        throw error;
      }
      const source = join(root, MANIFEST_FILE);
      const parsed = manifestSchema.safeParse(parseYamlText(text, `Manifest ${source}`));
      if (!parsed.success)
        throw new InputError(
          `Manifest ${source} is not a manifest this compiler wrote; restore it from Git or remove the directory's generated files`,
          toFieldErrors(parsed.error),
        );
      return parsed.data;
    },
    hashes: async () => {
      const hashes = new Map<string, string>();
      const paths = (await listFiles(root)).filter((path) => path !== MANIFEST_FILE).sort();
      await eachLimited(paths, IO_CONCURRENCY, async (path) => {
        const content = await readFile(join(root, path));
        hashes.set(path, createHash('sha256').update(content).digest('hex'));
      });
      return hashes;
    },
    apply: async ({ writes, removals, manifest }) => {
      // Folders first, once each, so the parallel writes below do not race to create them.
      for (const dir of new Set(writes.map((file) => dirname(inside(file.path)))))
        await mkdir(dir, { recursive: true });
      await eachLimited(writes, IO_CONCURRENCY, (file) =>
        writeAtomically(inside(file.path), file.content),
      );
      for (const path of removals) {
        const full = inside(path);
        await rm(full, { force: true });
        await pruneEmpty(root, full);
      }
      await mkdir(root, { recursive: true });
      await writeAtomically(join(root, MANIFEST_FILE), manifestText(manifest));
    },
  };
}
