import { Validator } from '@seriousme/openapi-schema-validator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { claimCreateSchema } from '../../src/domain/claims/claim-schema.js';
import { createTestPlatform, type TestPlatform } from '../support/test-platform.js';

let platform: TestPlatform;
let document: Record<string, unknown>;
beforeAll(async () => {
  platform = await createTestPlatform();
  const response = await platform.call('GET', '/openapi.json', { token: null });
  expect(response.status).toBe(200);
  document = (await response.json()) as Record<string, unknown>;
});
afterAll(async () => {
  await platform.close();
});

function refsIn(value: unknown): string[] {
  if (Array.isArray(value)) return value.flatMap(refsIn);
  if (value && typeof value === 'object') {
    return Object.entries(value).flatMap(([key, child]) =>
      key === '$ref' && typeof child === 'string' ? [child] : refsIn(child),
    );
  }
  return [];
}

describe('GET /openapi.json', () => {
  it('is a valid OpenAPI 3.1 document', async () => {
    const result = await new Validator().validate(document);
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
    expect(document.openapi).toBe('3.1.0');
  });

  it('would notice an invalid document (the validator is not a rubber stamp)', async () => {
    const result = await new Validator().validate({ openapi: '3.1.0', paths: { x: 1 } });
    expect(result.valid).toBe(false);
  });

  it('resolves every $ref to a component', () => {
    const schemas = (document.components as { schemas: Record<string, unknown> }).schemas;
    const refs = refsIn(document);
    expect(refs.length).toBeGreaterThan(10);
    for (const ref of refs) {
      expect(ref).toMatch(/^#\/components\/schemas\//);
      expect(schemas, ref).toHaveProperty(ref.split('/').at(-1) as string);
    }
  });

  it('describes the create body exactly as the zod schema validates it', () => {
    const schemas = (document.components as { schemas: Record<string, Record<string, unknown>> })
      .schemas;
    expect(schemas.ClaimCreate?.required).toEqual([
      'environment_name',
      'environment_type',
      'environment_pool',
    ]);
    expect(Object.keys(schemas.ClaimCreate?.properties as object)).toEqual(
      Object.keys(claimCreateSchema.shape),
    );
    expect(schemas.ClaimCreate?.additionalProperties).toBe(false);
  });

  it('documents every route the app serves, with its methods', () => {
    // Read the routes off the app itself, so a new route without docs fails here.
    const served = new Map<string, Set<string>>();
    for (const route of platform.app.routes) {
      if (route.method === 'ALL' || route.path.includes('*')) continue;
      const path = route.path.replace(/\/$/, '').replace(/:(\w+)/g, '{$1}');
      served.set(path, (served.get(path) ?? new Set()).add(route.method.toLowerCase()));
    }
    const paths = document.paths as Record<string, Record<string, unknown>>;
    expect(Object.keys(paths).sort()).toEqual([...served.keys()].sort());
    expect(served.get('/api/v1/audit')).toEqual(new Set(['get']));
    for (const [path, methods] of served) {
      const documented = Object.keys(paths[path] ?? {}).filter((key) => key !== 'parameters');
      expect(new Set(documented), path).toEqual(methods);
    }
  });
});
