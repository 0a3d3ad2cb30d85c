/** A JSON value as `JSON.parse` returns it. */
export type JsonValue =
  null | boolean | number | string | readonly JsonValue[] | { readonly [key: string]: JsonValue };

/**
 * The canonical JSON text of a value: no whitespace, object keys sorted by UTF-16 code
 * units at every level, numbers and strings as `JSON.stringify` writes them — the rules of
 * RFC 8785 (JCS) for the values audit records hold. Equal values always give the same
 * text, so they always give the same hash, whatever key order a file was written in.
 * Throws `TypeError` for a non-finite number or a value JSON cannot represent.
 */
export function canonicalJson(value: JsonValue): string {
  if (value === null || typeof value === 'boolean' || typeof value === 'string') {
    return JSON.stringify(value);
  }
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new TypeError(`canonicalJson: ${value} is not JSON`);
    return JSON.stringify(value);
  }
  if (Array.isArray(value)) {
    return `[${(value as readonly JsonValue[]).map(canonicalJson).join(',')}]`;
  }
  if (typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    return `{${canonicalMembers(value as { readonly [key: string]: JsonValue }).join(',')}}`;
  }
  throw new TypeError(`canonicalJson: a ${typeof value} is not JSON`);
}

/**
 * The members of an object's canonical JSON (`"key":value`), sorted by key: joined with
 * commas inside braces they are `canonicalJson(object)`. A caller can add a member in its
 * sorted place without encoding the rest again.
 */
export function canonicalMembers(object: { readonly [key: string]: JsonValue }): string[] {
  return Object.keys(object)
    .sort()
    .map((key) => `${JSON.stringify(key)}:${canonicalJson(object[key] as JsonValue)}`);
}
