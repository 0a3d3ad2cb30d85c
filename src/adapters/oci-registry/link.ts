/**
 * The target of the `rel="next"` link of a `Link` header (RFC 8288), resolved against
 * `requestUrl` (distribution sends it relative, `</v2/a/tags/list?last=t2&n=2>; rel="next"`;
 * other registries send absolute URLs), or `undefined` when there is no next page or the
 * header cannot be parsed. `rel` may list several relation types (`rel="next last"`).
 */
export function parseNextLink(
  header: string | null | undefined,
  requestUrl: string,
): string | undefined {
  if (header == null) return undefined;
  for (const { target, params } of parseLinks(header)) {
    const rel = params.get('rel');
    if (rel === undefined) continue;
    if (
      !rel
        .toLowerCase()
        .split(/[ \t]+/)
        .includes('next')
    )
      continue;
    try {
      return new URL(target, requestUrl).href;
    } catch {
      return undefined;
    }
  }
  return undefined;
}

interface LinkValue {
  readonly target: string;
  readonly params: ReadonlyMap<string, string>;
}

/** Every `<target>; name=value; …` of a Link header; parsing stops at the first malformed one. */
export function parseLinks(header: string): LinkValue[] {
  const links: LinkValue[] = [];
  let i = 0;
  const skipSpace = (): void => {
    while (i < header.length && (header[i] === ' ' || header[i] === '\t')) i++;
  };
  for (;;) {
    while (i < header.length && /[ \t,]/.test(header[i]!)) i++;
    if (i >= header.length || header[i] !== '<') return links;
    const close = header.indexOf('>', i);
    if (close < 0) return links;
    const target = header.slice(i + 1, close).trim();
    i = close + 1;
    const params = new Map<string, string>();
    for (;;) {
      skipSpace();
      if (header[i] !== ';') break;
      i++;
      skipSpace();
      const name = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+/.exec(header.slice(i))?.[0];
      if (name === undefined) return links;
      i += name.length;
      skipSpace();
      let value = '';
      if (header[i] === '=') {
        i++;
        skipSpace();
        if (header[i] === '"') {
          i++;
          while (i < header.length && header[i] !== '"') {
            if (header[i] === '\\') i++;
            value += header[i] ?? '';
            i++;
          }
          if (i >= header.length) return links;
          i++;
        } else {
          const token = /^[^;,\s]*/.exec(header.slice(i))![0];
          value = token;
          i += token.length;
        }
      }
      // RFC 8288 §3.3: occurrences after the first `rel` are ignored.
      const key = name.toLowerCase();
      if (!params.has(key)) params.set(key, value);
    }
    links.push({ target, params });
    skipSpace();
    if (i < header.length && header[i] !== ',') return links;
  }
}
