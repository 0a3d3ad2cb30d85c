import { UnavailableError } from '../../domain/errors.js';

/**
 * errno codes that say the file system, not the request, is at fault: the same request
 * succeeds once an operator makes the directory writable, frees space or replaces the disk.
 * ENOTDIR is here because object keys are flat: it can only mean a bucket directory was
 * replaced by a file. The value is what the client is told, without the absolute path
 * that Node's own message carries.
 */
const DEPENDENCY_FAULTS: ReadonlyMap<string, string> = new Map([
  ['EROFS', 'the file system is read-only'],
  ['EACCES', 'permission denied'],
  ['EPERM', 'operation not permitted'],
  ['ENOSPC', 'no space left on the device'],
  ['EDQUOT', 'disk quota exceeded'],
  ['EIO', 'I/O error'],
  ['ENOTDIR', 'the bucket is not a directory'],
  ['EMFILE', 'too many open files'],
  ['ENFILE', 'too many open files'],
  ['ESTALE', 'stale file handle'],
]);

/**
 * The `Retry-After` of a file-system fault: it lasts until someone acts (remount, free
 * space), so a client retrying every second would only add load.
 */
export const FS_FAULT_RETRY_AFTER_SECONDS = 5;

/** Whether `error` is a fault of the file system rather than of the request or the code. */
export function isDependencyFault(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  return typeof code === 'string' && DEPENDENCY_FAULTS.has(code);
}

/**
 * `error` as an `UnavailableError` (503) naming the operation and `path` (relative to the
 * data directory, so no host layout leaks to clients; the cause keeps Node's full message
 * for the logs) if it is a dependency fault; anything else unchanged.
 */
export function toStoreFault(error: unknown, operation: string, path: string): unknown {
  if (!isDependencyFault(error)) return error;
  const code = (error as NodeJS.ErrnoException).code!;
  return new UnavailableError(
    `could not ${operation} ${path}: ${DEPENDENCY_FAULTS.get(code)} (${code}); retry once the store is writable again`,
    { cause: error, retryAfterSeconds: FS_FAULT_RETRY_AFTER_SECONDS },
  );
}

/** Runs `work`, turning a file-system fault into `UnavailableError` (see `toStoreFault`). */
export async function guardFs<T>(
  operation: string,
  path: string,
  work: () => Promise<T>,
): Promise<T> {
  try {
    return await work();
  } catch (error) {
    throw toStoreFault(error, operation, path);
  }
}
