import { createHash } from 'node:crypto';
import { InputError } from '../errors.js';

/** The seed's user repositories are `<user>-local-repo` ("Local Development Mode"). */
export const LOCAL_REPO_SUFFIX = '-local-repo';

/** The default prefix the user repositories live under: `user-repos/<user>-local-repo/…`. */
export const DEFAULT_USER_REPOSITORIES_PREFIX = 'user-repos';

/**
 * The annotation `platform-deploy --local` sets on every manifest it pushes, to the push
 * time (RFC 3339); the retention sweeper counts a manifest's age from it.
 */
export const CREATED_ANNOTATION = 'org.opencontainers.image.created';

/** Longest user part kept as is; longer ones are cut and get a hash, so they stay distinct. */
const MAX_USER_LENGTH = 64;

/**
 * The user's repository, `<prefix>/<user>-local-repo`, with `user` (a login or an e-mail
 * address) turned into one OCI path component deterministically:
 * 1. Unicode NFKD with combining marks dropped (`é` → `e`; `ø`, which has no
 *    decomposition, stays and becomes a separator in step 2), then lowercase;
 * 2. each run of characters other than `a-z0-9` becomes `-`, unless the run is exactly
 *    one `.`, `_` or `-`, which is kept (`john.doe`, `john_doe` stay as they are);
 * 3. leading and trailing separators are dropped;
 * 4. a result over 64 characters is cut to 55 and gets `-` and the first 8 hex digits
 *    of the SHA-256 of the original `user`.
 *
 * So `John.Doe@Example.com` → `user-repos/john.doe-example.com-local-repo`.
 * Throws `InputError` (field `user`) when nothing usable is left (`@@@`, empty).
 */
export function localRepositoryName(
  user: string,
  prefix: string = DEFAULT_USER_REPOSITORIES_PREFIX,
): string {
  const folded = user
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, (run) => (/^[._-]$/.test(run) ? run : '-'))
    .replace(/^[._-]+|[._-]+$/g, '');
  if (folded === '') {
    const message = `user ${JSON.stringify(user.slice(0, 100))} has no letters or digits to name a repository`;
    throw new InputError(message, [{ path: 'user', message }]);
  }
  const component =
    folded.length <= MAX_USER_LENGTH
      ? folded
      : `${folded.slice(0, 55).replace(/[._-]+$/, '')}-${createHash('sha256').update(user).digest('hex').slice(0, 8)}`;
  return `${prefix}/${component}${LOCAL_REPO_SUFFIX}`;
}

/**
 * Whether `repository` is in a user repository: its first component under `prefix` ends in
 * `-local-repo` (`user-repos/johndoe-local-repo/user-service`). Only these may be swept;
 * a repository also under one of `protectedPrefixes` (the release and snapshot
 * repositories) never is, whatever the configuration says.
 */
export function isLocalRepository(
  repository: string,
  prefix: string,
  protectedPrefixes: readonly string[] = [],
): boolean {
  if (protectedPrefixes.some((p) => isUnder(repository, p))) return false;
  if (!repository.startsWith(`${prefix}/`)) return false;
  const user = repository.slice(prefix.length + 1).split('/')[0] ?? '';
  return user.length > LOCAL_REPO_SUFFIX.length && user.endsWith(LOCAL_REPO_SUFFIX);
}

function isUnder(repository: string, prefix: string): boolean {
  return repository === prefix || repository.startsWith(`${prefix}/`);
}
