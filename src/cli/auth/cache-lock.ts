import { mkdir, open, stat, unlink } from 'node:fs/promises';
import { dirname } from 'node:path';

/** A lock older than this was left by a process that died; it is taken over. */
const STALE_MS = 30_000;
const RETRY_MS = 50;
const GIVE_UP_MS = 20_000;

/**
 * Runs `work` holding `<path>.lock` (an exclusively created file), so two platformctl
 * processes do not refresh the same login at once: with refresh token rotation the second
 * would present a spent token, and IdPs treat that as theft and revoke the whole grant
 * (RFC 9700 §4.14.2). Gives up after 20 s and runs `work` anyway rather than hang.
 */
export async function withCacheLock<T>(path: string, work: () => Promise<T>): Promise<T> {
  const lock = `${path}.lock`;
  await mkdir(dirname(lock), { recursive: true, mode: 0o700 });
  const started = Date.now();
  let held = false;
  while (!held) {
    try {
      await (await open(lock, 'wx', 0o600)).close();
      held = true;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const age = await stat(lock).then(
        (info) => Date.now() - info.mtimeMs,
        () => 0,
      );
      if (age > STALE_MS) await unlink(lock).catch(() => undefined);
      else if (Date.now() - started > GIVE_UP_MS) break;
      else await new Promise((resolve) => setTimeout(resolve, RETRY_MS));
    }
  }
  try {
    return await work();
  } finally {
    if (held) await unlink(lock).catch(() => undefined);
  }
}
