import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { AccessSource, AccessSourceSnapshot } from '../../ports/access-source.js';

/** Files larger than this are refused: a tenancy model or policy file is text, not data. */
const MAX_FILE_BYTES = 4 * 1024 * 1024;

async function readText(path: string): Promise<string> {
  const info = await stat(path);
  if (!info.isFile()) throw new Error(`${path} is not a regular file`);
  if (info.size > MAX_FILE_BYTES) throw new Error(`${path} is larger than ${MAX_FILE_BYTES} bytes`);
  return readFile(path, 'utf8');
}

async function policyFileNames(directory: string | undefined): Promise<string[]> {
  if (directory === undefined) return [];
  const names = await readdir(directory);
  return names.filter((name) => name.endsWith('.cedar') && !name.startsWith('.')).sort();
}

/**
 * The tenancy file and a directory of `.cedar` files on local disk. The fingerprint is each
 * file's size, mtime and inode: editors that replace a file by rename change the inode.
 */
export function createFsAccessSource(options: {
  tenancyPath?: string | undefined;
  policyDirectory?: string | undefined;
}): AccessSource {
  const { tenancyPath, policyDirectory } = options;
  const locations: AccessSource['locations'] = {
    ...(tenancyPath === undefined ? {} : { tenancy: tenancyPath }),
    ...(policyDirectory === undefined ? {} : { policyDirectory }),
  };
  const paths = async (): Promise<string[]> => [
    ...(tenancyPath === undefined ? [] : [tenancyPath]),
    ...(await policyFileNames(policyDirectory)).map((name) => join(policyDirectory ?? '', name)),
  ];
  return {
    locations,
    async fingerprint() {
      const parts: string[] = [];
      for (const path of await paths().catch((error: unknown) => [`error:${String(error)}`])) {
        const info = await stat(path).catch(() => undefined);
        parts.push(info ? `${path}:${info.size}:${info.mtimeMs}:${info.ino}` : `${path}:missing`);
      }
      return parts.join('\n');
    },
    async read() {
      const snapshot: { -readonly [K in keyof AccessSourceSnapshot]: AccessSourceSnapshot[K] } = {
        policyFiles: [],
      };
      if (tenancyPath !== undefined)
        snapshot.tenancy = { source: tenancyPath, text: await readText(tenancyPath) };
      const files = [];
      for (const name of await policyFileNames(policyDirectory)) {
        const source = join(policyDirectory ?? '', name);
        files.push({ source, text: await readText(source) });
      }
      snapshot.policyFiles = files;
      return snapshot;
    },
  };
}
