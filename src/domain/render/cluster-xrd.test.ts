import { z } from 'zod';
import { describe, expect, it } from 'vitest';
import { clusterXrd, toStructuralSchema } from './cluster-xrd.js';

describe('toStructuralSchema', () => {
  it('drops what CRDs refuse and keeps Kubernetes extensions', () => {
    const schema = z.toJSONSchema(
      z
        .strictObject({
          name: z.string().meta({ examples: ['a', 'b'] }),
          count: z.int().min(1).max(3).optional(),
          labels: z.record(z.string(), z.string()),
        })
        .meta({ 'x-kubernetes-validations': [{ rule: 'true' }] }),
      { target: 'openapi-3.0' },
    ) as Record<string, unknown>;
    expect(toStructuralSchema({ $schema: 'x', ...schema })).toEqual({
      type: 'object',
      properties: {
        name: { type: 'string', example: 'a' },
        count: { type: 'integer', minimum: 1, maximum: 3 },
        labels: { type: 'object', additionalProperties: { type: 'string' } },
      },
      required: ['name', 'labels'],
      'x-kubernetes-validations': [{ rule: 'true' }],
    });
  });

  it.each([
    ['a union', { anyOf: [{ type: 'string' }, { type: 'integer' }] }],
    ['a reference', { $ref: '#/definitions/x' }],
    ['uniqueItems', { type: 'array', items: { type: 'string' }, uniqueItems: true }],
    ['a node without type', { description: 'x' }],
    ['additionalProperties: true', { type: 'object', additionalProperties: true }],
  ])('refuses %s', (_what, schema) => {
    expect(() => toStructuralSchema({ type: 'object', properties: { field: schema } })).toThrow(
      TypeError,
    );
  });
});

describe('clusterXrd', () => {
  it('defines the claim and composite names in one group and version', () => {
    const xrd = clusterXrd() as {
      metadata: { name: string };
      spec: { group: string; names: unknown; claimNames: unknown; versions: { name: string }[] };
    };
    expect(xrd.metadata.name).toBe('xenvironmentclusters.platform.example.io');
    expect(xrd.spec.names).toEqual({ kind: 'XEnvironmentCluster', plural: 'xenvironmentclusters' });
    expect(xrd.spec.claimNames).toEqual({
      kind: 'EnvironmentCluster',
      plural: 'environmentclusters',
    });
    expect(xrd.spec.versions.map((version) => version.name)).toEqual(['v1alpha1']);
  });

  it('is deterministic', () => {
    expect(JSON.stringify(clusterXrd())).toBe(JSON.stringify(clusterXrd()));
  });
});
