import { InputError, isPlatformError } from '../../../src/domain/errors.js';

/**
 * The server's reason for a refusal or a failure, as it sent it (the problem's `detail`),
 * announced to screen readers. Field errors are listed under it.
 */
export function Problem({ error, title }: { error: Error | undefined; title?: string }) {
  if (error === undefined) return null;
  const fields = error instanceof InputError ? error.errors : [];
  return (
    <div class="problem" role="alert">
      <strong>{title ?? headingOf(error)}</strong> {error.message}
      {fields.length > 0 && (
        <ul>
          {fields.map((field) => (
            <li key={field.path}>
              <code>{field.path}</code>: {field.message}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

function headingOf(error: Error): string {
  if (!isPlatformError(error)) return 'Something went wrong:';
  switch (error.code) {
    case 'NOT_ALLOWED':
      return 'Not allowed:';
    case 'NOT_FOUND':
      return 'Not found:';
    case 'UNAVAILABLE':
      return 'Unavailable, try again shortly:';
    case 'CONFLICT':
    case 'PRECONDITION_FAILED':
      return 'Changed meanwhile:';
    default:
      return 'Refused:';
  }
}
