/**
 * A JSON response with its headers as a plain object. Hono's `c.json(body, status,
 * headers)` turns two or more headers into a fetch `Headers` (validating each name and
 * value), which @hono/node-server then copies back into an object for Node; on the hot
 * routes (`GET /environments/{name}`) this skips both. Same bytes and headers as `c.json`.
 */
const serialized = new WeakMap<object, string>();

/** JSON of `body`; a frozen body is serialized once (its fields cannot change). */
function jsonOf(body: unknown): string {
  if (typeof body !== 'object' || body === null || !Object.isFrozen(body)) {
    return JSON.stringify(body);
  }
  let text = serialized.get(body);
  if (text === undefined) {
    text = JSON.stringify(body);
    serialized.set(body, text);
  }
  return text;
}

export function jsonResponse(
  body: unknown,
  status: number,
  headers: Readonly<Record<string, string>>,
): Response {
  return new Response(jsonOf(body), {
    status,
    headers: { 'content-type': 'application/json', ...headers },
  });
}
