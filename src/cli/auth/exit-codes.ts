import { NotAllowedError, UnavailableError } from '../../domain/errors.js';

// Local until src/cli/report-error.ts (another change) defines them; same values there.
/** The IdP or the server refused: access denied, an invalid client or token. */
export const EXIT_NOT_ALLOWED = 4;
/** The IdP or the server could not be reached, or answered 5xx: retrying may help. */
export const EXIT_UNAVAILABLE = 5;

/**
 * For the login commands: reports a `NotAllowedError` (exit 4) or an `UnavailableError`
 * (exit 5) as one line on stderr; anything else is rethrown to the CLI's one handler.
 */
export function reportAuthError(error: unknown): void {
  const code =
    error instanceof NotAllowedError
      ? EXIT_NOT_ALLOWED
      : error instanceof UnavailableError
        ? EXIT_UNAVAILABLE
        : undefined;
  if (code === undefined) throw error;
  process.stderr.write(`platformctl: ${(error as Error).message}\n`);
  process.exitCode = code;
}
