import { createHash } from 'node:crypto';

export interface DesiredFile {
  readonly path: string;
  readonly content: string;
}

export interface FileSyncPlan {
  /** Files whose content differs from (or is missing in) the store. */
  readonly writes: readonly DesiredFile[];
  /** Stored files the desired set no longer has. */
  readonly removals: readonly string[];
  readonly unchanged: number;
  /** SHA-256 over the sorted paths and content hashes: equal sets, equal digests. */
  readonly digest: string;
}

export const sha256Hex = (text: string | Uint8Array): string =>
  createHash('sha256').update(text).digest('hex');

/**
 * What to write so the store holds exactly `desired`: unchanged files (same SHA-256) are
 * left alone so Flux sees no churn, stale ones are removed.
 */
export function planFileSync(
  current: ReadonlyMap<string, string>,
  desired: readonly DesiredFile[],
): FileSyncPlan {
  const wanted = new Set<string>();
  const writes: DesiredFile[] = [];
  const digest = createHash('sha256');
  let unchanged = 0;
  for (const file of [...desired].sort((a, b) => (a.path < b.path ? -1 : 1))) {
    if (wanted.has(file.path)) throw new TypeError(`rendered twice: ${file.path}`);
    wanted.add(file.path);
    const hash = sha256Hex(file.content);
    digest.update(`${file.path}\0${hash}\n`);
    if (current.get(file.path) === hash) unchanged++;
    else writes.push(file);
  }
  const removals = [...current.keys()].filter((path) => !wanted.has(path)).sort();
  return { writes, removals, unchanged, digest: `sha256:${digest.digest('hex')}` };
}
