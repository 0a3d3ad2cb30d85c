import { InputError, type FieldError } from '../../src/domain/errors.js';

/** The `InputError` `action` throws; any other error is rethrown, no error fails the test. */
export function inputErrorOf(action: () => unknown): InputError {
  try {
    action();
  } catch (error) {
    if (error instanceof InputError) return error;
    throw error;
  }
  throw new Error('expected an InputError');
}

/** The field errors of the `InputError` `action` throws. */
export const problemsOf = (action: () => unknown): readonly FieldError[] =>
  inputErrorOf(action).errors;

/** The error `promise` rejects with; throws when it resolves. */
export async function rejectionOf(promise: Promise<unknown>): Promise<Error> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(error instanceof Error)) throw new Error('expected a rejection');
  return error;
}
