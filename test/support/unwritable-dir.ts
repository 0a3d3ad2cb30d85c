import { execFile } from 'node:child_process';
import { chmod, open, rename, rm, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';

const chattr = promisify(execFile);

export interface Unwritable {
  /** How the directory was made unwritable: the errno writes into it now fail with. */
  readonly mechanism:
    | 'chmod (EACCES)'
    | 'chattr +i (EPERM)'
    | 'replaced by a file (ENOTDIR)'
    | 'chattr +i on the file (EPERM)';
  /** Makes the directory writable again, as it was. */
  restore(): Promise<void>;
}

/** Whether creating a file in `dir` fails now; a probe that succeeds is removed. */
async function refusesWrites(dir: string): Promise<boolean> {
  const probe = join(dir, '.unwritable-probe');
  try {
    await writeFile(probe, '');
  } catch {
    return true;
  }
  await unlink(probe);
  return false;
}

/**
 * Makes `dir` refuse new files by a real mechanism, checked by a probe write, so a test
 * using it cannot pass by accident. `permissions` (the default): chmod 0555 first; as root
 * (where chmod stops nothing) the immutable attribute; where `chattr` is missing or
 * unsupported, the replacement below. `replace`: the directory is moved aside and a file
 * put in its place (works for any user). Throws if nothing works.
 */
export async function makeUnwritable(
  dir: string,
  how: 'permissions' | 'replace' = 'permissions',
): Promise<Unwritable> {
  if (how === 'replace') return replaceByFile(dir);
  await chmod(dir, 0o555);
  if (await refusesWrites(dir)) {
    return { mechanism: 'chmod (EACCES)', restore: () => chmod(dir, 0o755) };
  }
  await chmod(dir, 0o755);

  const immutable = await chattr('chattr', ['+i', dir]).then(
    () => true,
    () => false,
  );
  if (immutable) {
    if (await refusesWrites(dir)) {
      return {
        mechanism: 'chattr +i (EPERM)',
        restore: async () => {
          await chattr('chattr', ['-i', dir]);
        },
      };
    }
    await chattr('chattr', ['-i', dir]);
  }
  return replaceByFile(dir);
}

async function replaceByFile(dir: string): Promise<Unwritable> {
  const aside = `${dir}.aside`;
  await rename(dir, aside);
  await writeFile(dir, 'not a directory\n');
  if (!(await refusesWrites(dir))) throw new Error(`could not make ${dir} unwritable`);
  return {
    mechanism: 'replaced by a file (ENOTDIR)',
    restore: async () => {
      await rm(dir);
      await rename(aside, dir);
    },
  };
}

/**
 * Makes the existing file `path` refuse writes even through descriptors already open (a
 * log kept open by the service): the immutable attribute, which ext4 checks on every write
 * since Linux 5.4. Needs root; a probe write through a descriptor opened before proves it
 * works, so a test using it cannot pass by accident. Throws where it does not.
 */
export async function makeFileUnwritable(path: string): Promise<Unwritable> {
  // The probe writes the file's first byte back over itself: no change if it succeeds.
  const probe = await open(path, 'r+');
  try {
    const first = Buffer.alloc(1);
    const { bytesRead } = await probe.read(first, 0, 1, 0);
    if (bytesRead !== 1) throw new Error(`${path} is empty; nothing to probe with`);
    await chattr('chattr', ['+i', path]).catch((error: unknown) => {
      throw new Error(`could not make ${path} unwritable: chattr +i failed (needs root)`, {
        cause: error,
      });
    });
    const refused = await probe.write(first, 0, 1, 0).then(
      () => false,
      () => true,
    );
    if (!refused) {
      await chattr('chattr', ['-i', path]);
      throw new Error(`could not make ${path} unwritable: open descriptors still write`);
    }
  } finally {
    await probe.close();
  }
  return {
    mechanism: 'chattr +i on the file (EPERM)',
    restore: async () => {
      await chattr('chattr', ['-i', path]);
    },
  };
}
