import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { toYaml, toYamlDocuments } from '../access/serialize.js';
import { YamlWriter } from './yaml-writer.js';

// Strings that need quoting in YAML 1.1 or look like other types, beside ordinary ones.
const TRICKY = [
  '',
  ' ',
  'yes',
  'No',
  'on',
  'OFF',
  'y',
  'n',
  'null',
  '~',
  'true',
  'False',
  '0',
  '8080',
  '-1',
  '1e3',
  '0x1F',
  '0o17',
  '.inf',
  '-.Inf',
  '.nan',
  '1_000',
  '12:30:00',
  '2024-01-15',
  '2024-01-15T10:30:00Z',
  'a: b',
  'a #b',
  '#x',
  '- x',
  '-x',
  '? x',
  ':x',
  '@x',
  '`x',
  '!x',
  '&x',
  '*x',
  '|x',
  '>x',
  '%x',
  "'x'",
  '"x"',
  '{x}',
  '[x]',
  'x,y',
  'line\nbreak',
  'tab\tx',
  'trailing ',
  ' leading',
  'ünïcode',
  'emoji 😀',
  'a\\b',
  'sha256:abc',
  'oci://reg:5000/x',
  'platform.example.io/environment',
  './',
  './elasticsearch/dedicated',
  '=',
  '<<',
  'x'.repeat(1100),
];

const scalar = fc.oneof(
  fc.constantFrom(...TRICKY),
  fc.string(),
  fc.string({ unit: 'binary' }),
  fc.integer(),
  fc.boolean(),
  fc.double(),
  fc.constant(null),
);
const key = fc.oneof(
  fc.constantFrom(...TRICKY),
  fc.string({ maxLength: 12 }),
  fc.string({ unit: 'binary', maxLength: 6 }),
);
const { value } = fc.letrec<{ value: unknown }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    scalar,
    fc.array(tie('value'), { maxLength: 4 }),
    fc.dictionary(key, tie('value'), { maxKeys: 5 }),
  ),
}));

describe('YamlWriter', () => {
  it('writes the same bytes as js-yaml for any value', () => {
    fc.assert(
      fc.property(fc.dictionary(key, value, { maxKeys: 6 }), (document) => {
        expect(new YamlWriter().write(document)).toBe(toYaml(document));
      }),
      { numRuns: 2000 },
    );
  });

  it('lays out single-line strings, integers and booleans itself', () => {
    const line = fc.string().filter((text) => !/[\n\r\u0085\u2028\u2029]/.test(text));
    const simple = fc.oneof(
      line,
      fc.integer(),
      fc.boolean(),
      fc.constantFrom(...TRICKY.filter((text) => !text.includes('\n'))),
    );
    const { node } = fc.letrec<{ node: unknown }>((tie) => ({
      node: fc.oneof(
        { depthSize: 'small' },
        simple,
        fc.array(fc.oneof(simple, fc.dictionary(fc.string({ maxLength: 8 }), tie('node'))), {
          maxLength: 3,
        }),
        fc.dictionary(fc.string({ maxLength: 8 }), tie('node'), { maxKeys: 4 }),
      ),
    }));
    fc.assert(
      fc.property(
        fc.dictionary(fc.string({ maxLength: 8 }), node, { minKeys: 1, maxKeys: 5 }),
        (document) => {
          expect(new YamlWriter().tryWrite(document)).toBe(toYaml(document));
        },
      ),
      { numRuns: 1000 },
    );
  });

  it('keeps writing the same bytes with a warm cache', () => {
    const writer = new YamlWriter();
    fc.assert(
      fc.property(fc.array(fc.dictionary(key, value, { maxKeys: 6 }), { maxLength: 3 }), (docs) => {
        expect(writer.writeDocuments(docs)).toBe(toYamlDocuments(docs));
      }),
      { numRuns: 500 },
    );
  });
});
