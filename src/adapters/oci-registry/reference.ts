import { InputError } from '../../domain/errors.js';

// The OCI distribution spec's grammar ("Pulling manifests"): path components of lowercase
// alphanumerics joined by `.`, `_`, `__` or runs of `-`, separated by `/`.
const PATH_COMPONENT = '[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*';
const REPOSITORY = new RegExp(`^${PATH_COMPONENT}(?:/${PATH_COMPONENT})*$`);
const TAG = /^[A-Za-z0-9_][A-Za-z0-9._-]{0,127}$/;
const SHA256_DIGEST = /^sha256:[a-f0-9]{64}$/;
/** distribution's `NameTotalLengthMax`. */
const MAX_REPOSITORY_LENGTH = 255;

function shown(value: string): string {
  return JSON.stringify(value.length > 200 ? `${value.slice(0, 200)}…` : value);
}

/**
 * Throws `InputError` (field `repository`) unless `repository` is a repository path of the
 * distribution grammar, such as `docker-releases/user-service`. An `InputError` rather than
 * a `TypeError`: service names and repositories reach the registry from callers' claims, and
 * a bad one is their mistake (a 400), not the platform's.
 */
export function assertRepository(repository: string): void {
  if (repository.length > MAX_REPOSITORY_LENGTH || !REPOSITORY.test(repository)) {
    const message = `invalid repository name ${shown(repository)}: lowercase letters and digits separated by '.', '_', '__', '-' or '/', at most ${MAX_REPOSITORY_LENGTH} characters`;
    throw new InputError(message, [{ path: 'repository', message }]);
  }
}

/** Throws `InputError` (field `tag`) unless `tag` matches `[A-Za-z0-9_][A-Za-z0-9._-]{0,127}`. */
export function assertTag(tag: string): void {
  if (!TAG.test(tag)) {
    const message = `invalid tag ${shown(tag)}: letters, digits, '_', '.' or '-', not starting with '.' or '-', at most 128 characters`;
    throw new InputError(message, [{ path: 'tag', message }]);
  }
}

/** Whether `value` is a `sha256:` digest with 64 lowercase hex digits. */
export function isSha256Digest(value: string): boolean {
  return SHA256_DIGEST.test(value);
}
