/** `JSON.parse(text)`, or `undefined` when `text` is not JSON: for stored documents a schema checks next. */
export function parseJsonOrUndefined(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}
