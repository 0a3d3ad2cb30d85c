import { lstat, readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { InputError } from '../../../domain/errors.js';
import { writeTar, type TarFile } from './ustar-writer.js';

/** Deployment files are playbooks and manifests: a directory past this is a mistake. */
const MAX_TOTAL_BYTES = 64 * 1024 * 1024;

/**
 * The files under `directory` as a gzipped tar, the same bytes for the same files: entries
 * sorted, owner, group and mtime fixed (`writeTar`), mode only 0644 or 0755 (executable
 * by the owner), gzip header without name or time and its OS byte fixed to Unix. Paths
 * are relative to `directory`. Symbolic links and other non-regular files are refused
 * (`InputError`), since an artifact must not point outside itself.
 */
export async function packDirectory(directory: string): Promise<Buffer> {
  const files: TarFile[] = [];
  let total = 0;
  const walk = async (relative: string): Promise<void> => {
    const entries = await readdir(join(directory, relative), { withFileTypes: true });
    for (const entry of entries) {
      const path = relative === '' ? entry.name : `${relative}/${entry.name}`;
      if (entry.isDirectory()) {
        await walk(path);
      } else if (entry.isFile()) {
        const full = join(directory, path);
        const [data, info] = await Promise.all([readFile(full), lstat(full)]);
        total += data.length;
        if (total > MAX_TOTAL_BYTES) {
          throw new InputError(`${directory} holds more than ${MAX_TOTAL_BYTES} bytes of files`);
        }
        files.push({ name: path, data, mode: (info.mode & 0o100) !== 0 ? 0o755 : 0o644 });
      } else {
        throw new InputError(`${join(directory, path)} is not a regular file or directory`);
      }
    }
  };
  await walk('');
  if (files.length === 0) throw new InputError(`${directory} holds no files`);
  const gzip = gzipSync(writeTar(files), { level: 9 });
  // RFC 1952 §2.3: byte 9 is the OS that wrote it; zlib writes the build platform's.
  gzip[9] = 3;
  return gzip;
}
