import { EXIT_FAILURE, EXIT_USAGE } from '../report-error.js';

/**
 * The exit codes of `platformctl static publish`, which a CI job branches on: 1 for
 * definitions that are invalid or a write the store refused (fix the files, or re-run after
 * a concurrent change), 2 for a usage error, 5 when the store cannot be reached (retry).
 * `EXIT_UNAVAILABLE` is defined here rather than in report-error.ts, which other commands own.
 */
export const EXIT_OK = 0;
export const EXIT_INVALID = EXIT_FAILURE;
export { EXIT_USAGE };
export const EXIT_UNAVAILABLE = 5;
