import type { z } from 'zod';
import type { FieldError } from '../errors.js';

/**
 * Turns zod issues into field errors with dotted paths (`services.user-service.version`).
 * Record-key problems and unknown keys are reported on the offending key itself, and a
 * failed union reports the branch that matched the input's type, so a caller sees the
 * reason rather than zod's generic "Invalid input".
 */
export function toFieldErrors(error: z.ZodError, prefix = ''): FieldError[] {
  return issuesToFieldErrors(error.issues, prefix === '' ? [] : [prefix]);
}

function issuesToFieldErrors(
  issues: readonly z.core.$ZodIssue[],
  at: readonly string[],
): FieldError[] {
  return issues.flatMap((issue): FieldError[] => {
    const base = [...at, ...issue.path.map(String)];
    switch (issue.code) {
      case 'unrecognized_keys': {
        const message = issue.message.startsWith('Unrecognized key')
          ? 'unknown field'
          : issue.message;
        return issue.keys.map((key) => ({ path: joinPath([...base, key]), message }));
      }
      case 'invalid_key':
        return issue.issues.map((inner) => ({
          path: joinPath(base),
          message: `invalid name: ${inner.message}`,
        }));
      case 'invalid_union': {
        const relevant = issue.errors.filter((branch) => !isTypeMismatchOnly(branch));
        if (relevant.length === 1 && relevant[0]) return issuesToFieldErrors(relevant[0], base);
        return [{ path: joinPath(base), message: issue.message }];
      }
      case 'invalid_type':
        // zod says "expected string, received undefined" for a missing field.
        return [
          {
            path: joinPath(base),
            message: issue.message.endsWith('received undefined') ? 'is required' : issue.message,
          },
        ];
      default:
        return [{ path: joinPath(base), message: issue.message }];
    }
  });
}

function isTypeMismatchOnly(branch: readonly z.core.$ZodIssue[]): boolean {
  return branch.length === 1 && branch[0]?.code === 'invalid_type' && branch[0].path.length === 0;
}

function joinPath(parts: readonly string[]): string {
  const path = parts.filter((part) => part !== '').join('.');
  return path === '' ? '(root)' : path;
}
