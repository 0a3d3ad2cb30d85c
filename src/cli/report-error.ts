import { InputError, isPlatformError } from '../domain/errors.js';

/** Exit codes: 1 for a failure, 2 for bad input or config (the caller can fix it). */
export const EXIT_FAILURE = 1;
export const EXIT_USAGE = 2;

/** The CLI's one error handler: a one-line message on stderr and a non-zero exit code. */
export function reportError(error: unknown): void {
  if (error instanceof InputError) {
    const details = error.errors.map((field) => `${field.path}: ${field.message}`).join('; ');
    process.stderr.write(`platformctl: ${error.message}${details ? `: ${details}` : ''}\n`);
    process.exitCode = EXIT_USAGE;
    return;
  }
  const message = isPlatformError(error) || error instanceof Error ? error.message : String(error);
  process.stderr.write(`platformctl: ${message}\n`);
  process.exitCode = EXIT_FAILURE;
}

/**
 * For `check` commands: an `InputError`'s message on stderr, then each problem on its own
 * stdout line (`path: message`) and exit code 1. Anything else is rethrown.
 */
export function reportProblems(error: unknown): void {
  if (!(error instanceof InputError)) throw error;
  process.stderr.write(`${error.message}\n`);
  for (const problem of error.errors) process.stdout.write(`${problem.path}: ${problem.message}\n`);
  process.exitCode = EXIT_FAILURE;
}
