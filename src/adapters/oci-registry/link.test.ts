import { describe, expect, it } from 'vitest';
import { parseLinks, parseNextLink } from './link.js';

const REQUEST = 'http://127.0.0.1:5000/v2/docker-releases/a/tags/list?n=2';

describe('parseNextLink', () => {
  it("resolves distribution's relative link against the request URL", () => {
    expect(
      parseNextLink('</v2/docker-releases/a/tags/list?last=t2&n=2>; rel="next"', REQUEST),
    ).toBe('http://127.0.0.1:5000/v2/docker-releases/a/tags/list?last=t2&n=2');
  });

  it('keeps an absolute link as it is', () => {
    expect(
      parseNextLink('<https://other.example/v2/a/tags/list?last=x&n=2>; rel=next', REQUEST),
    ).toBe('https://other.example/v2/a/tags/list?last=x&n=2');
  });

  it('finds next among several links and relation lists', () => {
    const header =
      '</v2/a/tags/list?n=2>; rel="first", </v2/a/tags/list?last=b,c&n=2>; title="x;y"; rel="next last"';
    expect(parseNextLink(header, REQUEST)).toBe(
      'http://127.0.0.1:5000/v2/a/tags/list?last=b,c&n=2',
    );
  });

  it('is case-insensitive in the parameter name and relation type', () => {
    expect(parseNextLink('</p2>; REL="Next"', REQUEST)).toBe('http://127.0.0.1:5000/p2');
  });

  it('returns undefined without a next link or header', () => {
    expect(parseNextLink(null, REQUEST)).toBeUndefined();
    expect(parseNextLink('</p1>; rel="prev"', REQUEST)).toBeUndefined();
    expect(parseNextLink('</p1>', REQUEST)).toBeUndefined();
    expect(parseNextLink('garbage', REQUEST)).toBeUndefined();
  });

  it('uses the first rel parameter of a link (RFC 8288 §3.3)', () => {
    expect(parseNextLink('</p1>; rel="prev"; rel="next"', REQUEST)).toBeUndefined();
  });
});

describe('parseLinks', () => {
  it('reads targets and parameters, stopping at a malformed link', () => {
    const links = parseLinks('<a>; rel=next; x="q\\"q", <b>; rel="prev", <c; rel=x');
    expect(links.map((l) => [l.target, Object.fromEntries(l.params)])).toEqual([
      ['a', { rel: 'next', x: 'q"q' }],
      ['b', { rel: 'prev' }],
    ]);
  });
});
