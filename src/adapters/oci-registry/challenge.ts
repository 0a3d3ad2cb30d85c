/** One challenge of a `WWW-Authenticate` header (RFC 9110 §11.6.1). */
export interface AuthChallenge {
  /** Lowercased, since schemes are case-insensitive: `basic`, `bearer`. */
  readonly scheme: string;
  /** Parameter names lowercased; values unquoted and unescaped. */
  readonly params: Readonly<Record<string, string>>;
  readonly token68?: string;
}

const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+/;
const TOKEN68 = /^[A-Za-z0-9._~+/-]+=*(?=[ \t]*(?:,|$))/;
const OWS = /^[ \t]*/;

/**
 * Parses every challenge of a `WWW-Authenticate` header value, such as
 * `Bearer realm="https://auth.example.com/token",service="registry",scope="repository:a:pull"`.
 * Several challenges may share one header, separated by commas like the parameters are
 * (RFC 9110 §11.6.1); a parameter is told from the next scheme by the `=` after its name.
 * Parsing stops at the first malformed part and returns the challenges before it, so a
 * registry's odd header degrades to "no usable challenge" instead of an exception.
 */
export function parseChallenges(header: string | null | undefined): AuthChallenge[] {
  if (header == null) return [];
  const challenges: AuthChallenge[] = [];
  let rest = header;
  const skip = (pattern: RegExp): void => {
    rest = rest.replace(pattern, '');
  };
  const skipSeparators = (): void => skip(/^[ \t,]*/);

  skipSeparators();
  while (rest.length > 0) {
    const scheme = TOKEN.exec(rest)?.[0];
    if (scheme === undefined) break;
    rest = rest.slice(scheme.length);
    const entries: [string, string][] = [];
    let token68: string | undefined;
    skip(OWS);

    // A token68 (`abc==`) runs to the next comma; `realm="…"` cannot match it.
    const t68 = TOKEN68.exec(rest)?.[0];
    if (t68 !== undefined) {
      token68 = t68;
      rest = rest.slice(t68.length);
    } else {
      let malformed = false;
      while (startsParam(rest)) {
        const name = TOKEN.exec(rest)![0];
        rest = rest.slice(name.length);
        skip(OWS);
        rest = rest.slice(1); // the '='
        skip(OWS);
        const read = readValue(rest);
        if (read === undefined) {
          malformed = true;
          break;
        }
        rest = rest.slice(read.length);
        const key = name.toLowerCase();
        // RFC 9110 allows each parameter once per challenge; the first one wins.
        if (!entries.some(([k]) => k === key)) entries.push([key, read.value]);
        skip(OWS);
        if (rest.startsWith(',')) {
          skipSeparators();
        } else if (rest.length > 0) {
          malformed = true;
          break;
        }
      }
      if (malformed) {
        challenges.push(challenge(scheme, entries, undefined));
        break;
      }
    }
    challenges.push(challenge(scheme, entries, token68));
    skipSeparators();
  }
  return challenges;
}

function challenge(
  scheme: string,
  entries: [string, string][],
  token68: string | undefined,
): AuthChallenge {
  const params = Object.fromEntries(entries);
  return token68 === undefined
    ? { scheme: scheme.toLowerCase(), params }
    : { scheme: scheme.toLowerCase(), params, token68 };
}

/** Whether `text` starts with `name =` (a parameter), not with the next challenge's scheme. */
function startsParam(text: string): boolean {
  return /^[!#$%&'*+.^_`|~0-9A-Za-z-]+[ \t]*=/.test(text);
}

/** A token or quoted-string at the start of `text`, with its raw length. */
function readValue(text: string): { value: string; length: number } | undefined {
  if (!text.startsWith('"')) {
    const token = TOKEN.exec(text)?.[0];
    return token === undefined ? undefined : { value: token, length: token.length };
  }
  let value = '';
  for (let i = 1; i < text.length; i++) {
    const char = text[i]!;
    if (char === '"') return { value, length: i + 1 };
    if (char === '\\') {
      i++;
      if (i >= text.length) return undefined;
      value += text[i]!;
    } else {
      value += char;
    }
  }
  return undefined;
}
