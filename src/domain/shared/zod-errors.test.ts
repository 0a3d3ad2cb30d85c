import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { toFieldErrors } from './zod-errors.js';

function fieldErrors(schema: z.ZodType, value: unknown, prefix?: string) {
  const result = schema.safeParse(value);
  if (result.success) throw new Error('expected the value to be rejected');
  return prefix === undefined ? toFieldErrors(result.error) : toFieldErrors(result.error, prefix);
}

const label = z.string().regex(/^[a-z]+$/, 'lower-case letters only');

describe('toFieldErrors', () => {
  it('joins nested paths with dots, array indices included', () => {
    const schema = z.object({ a: z.object({ b: z.array(z.number()) }) });
    expect(fieldErrors(schema, { a: { b: [1, 'x'] } })).toEqual([
      { path: 'a.b.1', message: 'Invalid input: expected number, received string' },
    ]);
  });

  it('reports a root-level problem at (root)', () => {
    expect(fieldErrors(z.string().min(3, 'too short'), 'ab')).toEqual([
      { path: '(root)', message: 'too short' },
    ]);
  });

  it('puts a prefix in front of every path, and uses it alone for root problems', () => {
    const schema = z.object({ port: z.number() });
    expect(fieldErrors(schema, { port: 'x' }, 'server')).toEqual([
      { path: 'server.port', message: 'Invalid input: expected number, received string' },
    ]);
    expect(fieldErrors(z.number(), 'x', 'server')).toEqual([
      { path: 'server', message: 'Invalid input: expected number, received string' },
    ]);
  });

  it('reports each unknown key on the key itself as "unknown field"', () => {
    const schema = z.strictObject({ a: z.object({ known: z.number() }).strict() });
    expect(fieldErrors(schema, { a: { known: 1, x: 1, y: 2 }, z: 0 })).toEqual([
      { path: 'a.x', message: 'unknown field' },
      { path: 'a.y', message: 'unknown field' },
      { path: 'z', message: 'unknown field' },
    ]);
  });

  it('keeps a custom unknown-key message', () => {
    const schema = z.strictObject(
      { a: z.number() },
      { error: (issue) => (issue.code === 'unrecognized_keys' ? 'read-only' : undefined) },
    );
    expect(fieldErrors(schema, { a: 1, b: 2 })).toEqual([{ path: 'b', message: 'read-only' }]);
  });

  it('reports an invalid record key on the key with the key schema message', () => {
    const schema = z.object({ services: z.record(label, z.string()) });
    expect(fieldErrors(schema, { services: { ok: 'v1', Bad1: 'v2' } })).toEqual([
      { path: 'services.Bad1', message: 'invalid name: lower-case letters only' },
    ]);
  });

  it('reports an invalid record value under its key', () => {
    const schema = z.record(label, z.string().min(2, 'version too short'));
    expect(fieldErrors(schema, { api: 'v' })).toEqual([
      { path: 'api', message: 'version too short' },
    ]);
  });

  it('reports the union branch that matches the type of the input', () => {
    const schema = z.object({
      spec: z.union([
        z.string().min(2, 'string too short'),
        z.strictObject({ version: z.string().min(2, 'version too short') }),
      ]),
    });
    expect(fieldErrors(schema, { spec: 'v' })).toEqual([
      { path: 'spec', message: 'string too short' },
    ]);
    expect(fieldErrors(schema, { spec: { version: 'v' } })).toEqual([
      { path: 'spec.version', message: 'version too short' },
    ]);
    expect(fieldErrors(schema, { spec: { version: 'v1', extra: true } })).toEqual([
      { path: 'spec.extra', message: 'unknown field' },
    ]);
    // A type mismatch inside the object branch: zod reports a bare union failure, and the
    // object branch is still the one the caller meant.
    expect(fieldErrors(schema, { spec: { version: 5 } })).toEqual([
      { path: 'spec.version', message: 'Invalid input: expected string, received number' },
    ]);
  });

  it("falls back to the union's own message when no branch matches the input's type", () => {
    const schema = z.object({
      spec: z.union([z.string(), z.object({ version: z.string() })], {
        error: 'string or object',
      }),
    });
    expect(fieldErrors(schema, { spec: 42 })).toEqual([
      { path: 'spec', message: 'string or object' },
    ]);
  });

  it('reports a missing field as "is required", a wrong type with zod\'s message', () => {
    const schema = z.object({ name: z.string(), port: z.number() });
    expect(fieldErrors(schema, { port: 'x' })).toEqual([
      { path: 'name', message: 'is required' },
      { path: 'port', message: 'Invalid input: expected number, received string' },
    ]);
  });

  it('lists every issue, in order', () => {
    const schema = z.object({ a: z.number(), b: z.string() });
    expect(fieldErrors(schema, { a: 'x', b: 1 })).toEqual([
      { path: 'a', message: 'Invalid input: expected number, received string' },
      { path: 'b', message: 'Invalid input: expected string, received number' },
    ]);
  });
});
