import { CommanderError } from 'commander';
import {
  InputError,
  isPlatformError,
  NotAllowedError,
  NotAuthenticatedError,
  NotFoundError,
  UnavailableError,
} from '../domain/errors.js';
import { RefusedInputError } from './client/refused-input-error.js';

/**
 * The exit codes of every platformctl and platform-deploy command (documented in
 * docs/cli.md): scripts branch on them, so they never change meaning.
 */
export const EXIT_OK = 0;
/** The server refused the request (a 4xx other than those below), or a check failed. */
export const EXIT_FAILURE = 1;
/** Bad flags, arguments or local input: the caller can fix the command line. */
export const EXIT_USAGE = 2;
export const EXIT_NOT_FOUND = 3;
/** 401 or 403: not signed in, or not allowed. */
export const EXIT_NOT_ALLOWED = 4;
/** The server (or the store, the IdP) is unreachable or answered 5xx after retries. */
export const EXIT_UNAVAILABLE = 5;

/** The exit code an error stands for. */
export function exitCodeOf(error: unknown): number {
  if (error instanceof CommanderError) return error.exitCode === 0 ? EXIT_OK : EXIT_USAGE;
  if (error instanceof RefusedInputError) return EXIT_FAILURE;
  if (error instanceof InputError) return EXIT_USAGE;
  if (error instanceof NotFoundError) return EXIT_NOT_FOUND;
  if (error instanceof NotAuthenticatedError || error instanceof NotAllowedError)
    return EXIT_NOT_ALLOWED;
  if (error instanceof UnavailableError) return EXIT_UNAVAILABLE;
  return EXIT_FAILURE;
}

/**
 * The CLI's one error handler: the message on stderr in one line, each field error on a
 * line of its own, and the exit code of {@link exitCodeOf}. Commander has already printed
 * its own usage errors.
 */
export function reportError(error: unknown, program = 'platformctl'): void {
  process.exitCode = exitCodeOf(error);
  if (error instanceof CommanderError) return;
  const message = isPlatformError(error) || error instanceof Error ? error.message : String(error);
  process.stderr.write(`${program}: ${message}\n`);
  if (error instanceof InputError) {
    for (const field of error.errors) {
      process.stderr.write(`  ${field.path || '(body)'}: ${field.message}\n`);
    }
  }
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

/**
 * For `check` commands: each warning on its own stderr line (`warning: path: message`).
 * Warnings leave the exit code alone: a model with only warnings passes.
 */
export function reportWarnings(warnings: readonly { path: string; message: string }[]): void {
  for (const warning of warnings)
    process.stderr.write(`warning: ${warning.path}: ${warning.message}\n`);
}
