import type { FieldError } from '../errors.js';

const PROTO = '__proto__';

/**
 * Where parsed JSON has a `__proto__` key, as a field error, or `undefined`. `JSON.parse`
 * keeps such a key as an own property, but zod records, object spreads and assignments
 * drop it or set the prototype instead: the document would silently lose that field (a
 * service named `__proto__`, say). So it is refused, naming the path.
 *
 * `text` is the document the value was parsed from: most have no such key at all, and
 * the walk is skipped for them.
 */
export function protoKeyProblem(text: string, value: unknown): FieldError | undefined {
  if (!text.includes(PROTO)) return undefined;
  const path = protoKeyPath(value, []);
  return path === undefined
    ? undefined
    : { path, message: `'${PROTO}' is not allowed as a field name` };
}

function protoKeyPath(value: unknown, path: readonly string[]): string | undefined {
  if (value === null || typeof value !== 'object') return undefined;
  if (!Array.isArray(value) && Object.hasOwn(value, PROTO)) return [...path, PROTO].join('.');
  for (const [key, child] of Object.entries(value)) {
    const found = protoKeyPath(child, [...path, key]);
    if (found !== undefined) return found;
  }
  return undefined;
}
