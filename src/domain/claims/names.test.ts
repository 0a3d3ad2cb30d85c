import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  DNS_LABEL_MAX_LENGTH,
  DNS_LABEL_PATTERN,
  dnsLabelProblem,
  dnsLabelSchema,
  isDnsLabel,
} from './names.js';

const PATTERN_MESSAGE =
  "must consist of lower-case letters, digits and '-', and start and end with a letter or digit";

function schemaMessages(value: unknown): string[] {
  const result = dnsLabelSchema.safeParse(value);
  return result.success ? [] : result.error.issues.map((issue) => issue.message);
}

describe('dnsLabelSchema', () => {
  it.each([
    'a',
    '0',
    'dev',
    'dev-team1-feature-x',
    'sue-vendor-eval',
    'a-b-c',
    'a--b',
    '123',
    '9a',
    'x'.repeat(63),
  ])('accepts the DNS-1123 label %j', (value) => {
    const result = dnsLabelSchema.safeParse(value);
    expect(result.success).toBe(true);
    expect(result.data).toBe(value);
    expect(dnsLabelProblem(value)).toBeUndefined();
    expect(isDnsLabel(value)).toBe(true);
  });

  it.each([
    ['a/b', "must not contain '/' or '\\'"],
    ['a\\b', "must not contain '/' or '\\'"],
    ['/', "must not contain '/' or '\\'"],
    ['a..b', "must not contain '..'"],
    ['..', "must not contain '..'"],
    ['Dev', 'must be lower case'],
    ['dev-TEAM', 'must be lower case'],
    ['dev team', 'must not contain spaces'],
    ['dev\tteam', 'must not contain control characters'],
    ['dev\u0000', 'must not contain control characters'],
    ['dev\nteam', 'must not contain control characters'],
    ['dev\u007f', 'must not contain control characters'],
    ['dev\u00a0team', 'must not contain spaces'],
    ['x'.repeat(64), 'must be at most 63 characters (got 64)'],
    ['x'.repeat(100), 'must be at most 63 characters (got 100)'],
    ['-dev', PATTERN_MESSAGE],
    ['dev-', PATTERN_MESSAGE],
    ['-', PATTERN_MESSAGE],
    ['dev_team', PATTERN_MESSAGE],
    ['dev.team', PATTERN_MESSAGE],
    ['café', PATTERN_MESSAGE],
    ['', 'must not be empty'],
  ])('rejects %j with %j', (value, message) => {
    expect(dnsLabelProblem(value)).toBe(message);
    expect(isDnsLabel(value)).toBe(false);
    expect(schemaMessages(value)).toEqual([message]);
  });

  it('names the first rule broken: length before characters', () => {
    expect(dnsLabelProblem('A/'.repeat(40))).toBe('must be at most 63 characters (got 80)');
  });

  it('names the first rule broken: path separators before upper case', () => {
    expect(dnsLabelProblem('A/b')).toBe("must not contain '/' or '\\'");
  });

  it('rejects non-strings', () => {
    expect(dnsLabelSchema.safeParse(42).success).toBe(false);
    expect(dnsLabelSchema.safeParse(null).success).toBe(false);
    expect(dnsLabelSchema.safeParse(undefined).success).toBe(false);
  });

  it('exports the RFC 1123 pattern and maximum', () => {
    expect(DNS_LABEL_MAX_LENGTH).toBe(63);
    expect(DNS_LABEL_PATTERN.test('dev-x')).toBe(true);
    expect(DNS_LABEL_PATTERN.test('dev-x\n')).toBe(false);
  });
});

describe('dnsLabelSchema properties', () => {
  // Biased towards label characters so that both accepted and rejected strings are common.
  const labelish = fc.oneof(
    fc.string({
      unit: fc.constantFrom(...'abz09-'.split('')),
      minLength: 0,
      maxLength: 70,
    }),
    fc.string({
      unit: fc.constantFrom(...'ab-Z/.\\ \t\n\u0000_é'.split('')),
      maxLength: 12,
    }),
    fc.string({ maxLength: 20 }),
    fc.string({ unit: 'grapheme', maxLength: 10 }),
  );

  it('accepts only strings matching the DNS-1123 pattern and at most 63 characters', () => {
    fc.assert(
      fc.property(labelish, (value) => {
        if (dnsLabelSchema.safeParse(value).success) {
          expect(value).toMatch(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/);
          expect(value.length).toBeLessThanOrEqual(63);
        }
      }),
      { numRuns: 2000 },
    );
  });

  it('dnsLabelProblem is undefined exactly when the schema accepts', () => {
    fc.assert(
      fc.property(labelish, (value) => {
        const accepted = dnsLabelSchema.safeParse(value).success;
        expect(dnsLabelProblem(value) === undefined).toBe(accepted);
        expect(isDnsLabel(value)).toBe(accepted);
      }),
      { numRuns: 2000 },
    );
  });

  it('accepts every generated valid label', () => {
    const valid = fc
      .tuple(
        fc.constantFrom(...'abcxyz0189'.split('')),
        fc.string({ unit: fc.constantFrom(...'ak9-'.split('')), maxLength: 60 }),
        fc.constantFrom(...'qr57'.split('')),
      )
      .map(([first, middle, last]) => `${first}${middle}${last}`);
    fc.assert(
      fc.property(valid, (value) => {
        expect(dnsLabelSchema.safeParse(value).success).toBe(true);
        expect(dnsLabelProblem(value)).toBeUndefined();
      }),
    );
  });

  it('a rejected string always gets a non-empty explanation from the schema', () => {
    fc.assert(
      fc.property(labelish, (value) => {
        const problem = dnsLabelProblem(value);
        if (problem !== undefined) expect(schemaMessages(value)).toContain(problem);
      }),
      { numRuns: 1000 },
    );
  });
});
