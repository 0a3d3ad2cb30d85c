import { ConflictError, PreconditionFailedError } from '../../../../src/domain/errors.js';
import { Problem } from '../../components/problem.js';

/**
 * The server's refusal of a change. A 412 (the environment's ETag moved since this page
 * loaded it) says so and offers to reload rather than overwrite what someone else did.
 */
export function ChangeProblem({
  error,
  onReload,
}: {
  error: Error | undefined;
  onReload: () => void;
}) {
  if (error === undefined) return null;
  if (error instanceof PreconditionFailedError) {
    return (
      <div class="problem" role="alert">
        <strong>Changed meanwhile, reload:</strong> the environment was changed since this page
        loaded it, so nothing was done. <span class="muted">({error.message})</span>{' '}
        <button type="button" onClick={onReload}>
          Reload
        </button>
      </div>
    );
  }
  return (
    <>
      <Problem error={error} />
      {error instanceof ConflictError && (
        <button type="button" onClick={onReload}>
          Reload
        </button>
      )}
    </>
  );
}
