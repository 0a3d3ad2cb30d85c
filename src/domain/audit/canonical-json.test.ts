import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalJson, type JsonValue } from './canonical-json.js';

describe('canonicalJson', () => {
  it('sorts keys at every level and leaves array order alone', () => {
    expect(canonicalJson({ b: 1, a: { d: [3, 1, 2], c: null } })).toBe(
      '{"a":{"c":null,"d":[3,1,2]},"b":1}',
    );
  });

  it('orders keys by UTF-16 code units (RFC 8785 §3.2.3)', () => {
    expect(canonicalJson({ é: 1, z: 2, Z: 3, '10': 4, '9': 5 })).toBe(
      '{"10":4,"9":5,"Z":3,"z":2,"é":1}',
    );
  });

  it('escapes strings as JSON.stringify does, lone surrogates included', () => {
    expect(canonicalJson({ s: 'a"\n\u0001\ud800' })).toBe('{"s":"a\\"\\n\\u0001\\ud800"}');
  });

  it('refuses what JSON cannot hold', () => {
    expect(() => canonicalJson(Number.NaN)).toThrow(TypeError);
    expect(() => canonicalJson(Number.POSITIVE_INFINITY)).toThrow(TypeError);
    expect(() => canonicalJson({ a: undefined } as unknown as JsonValue)).toThrow(TypeError);
    expect(() => canonicalJson(new Date(0) as unknown as JsonValue)).toThrow(TypeError);
  });

  it('gives the same text for the same value whatever the key order (property)', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        const text = canonicalJson(value as JsonValue);
        const reordered = JSON.parse(JSON.stringify(reverseKeys(value))) as JsonValue;
        expect(canonicalJson(reordered)).toBe(text);
        expect(canonicalJson(JSON.parse(text) as JsonValue)).toBe(text);
      }),
    );
  });
});

function reverseKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(reverseKeys);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value)
        .reverse()
        .map(([key, inner]) => [key, reverseKeys(inner)]),
    );
  }
  return value;
}
