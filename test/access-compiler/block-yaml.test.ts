import fc from 'fast-check';
import { dump, load } from 'js-yaml';
import { describe, expect, it } from 'vitest';
import { blockYaml, YAML_OPTIONS } from '../../src/domain/access/block-yaml.js';

// blockYaml must write exactly what js-yaml writes: the golden files and every render
// already in Git repositories depend on those bytes.

/** Mostly names as the generators build them, with every character that changes a style. */
const text = fc.oneof(
  { weight: 4, arbitrary: fc.stringMatching(/^[a-z][a-z0-9-]{0,12}$/) },
  {
    weight: 3,
    arbitrary: fc
      .array(fc.constantFrom(...'aZ09 -._/@:#,[]{}()+\'"!&*|>%`?=~yYnN\t\\é🙂'.split('')), {
        maxLength: 8,
      })
      .map((chars) => chars.join('')),
  },
  {
    weight: 2,
    arbitrary: fc.constantFrom(
      ...['yes', 'No', 'ON', 'off', 'y', 'n', 'null', 'Null', 'TRUE', 'false', '~', '', '1', '-1'],
      ...['0x1F', '1e3', '.inf', '1:20', '2026-12-07', '<<', 'a: b', 'a #b', 'a:', ' a', 'a '],
      ...['rbac.authorization.k8s.io/v1', 'user-0001-1@example.com', 'x'.repeat(1030)],
      ...['line one\nline two', 'trailing\n'],
      ...['p, proj:koa:koa-dev-write, applications, get, koa/koa-dev/*, allow', 'g, a, role:b'],
    ),
  },
  {
    // Multi-line text such as Argo CD's policy.csv: js-yaml writes it as a literal block,
    // whose header and indentation depend on the first and last lines.
    weight: 2,
    arbitrary: fc
      .array(
        fc
          .array(fc.constantFrom(...'aa00  -:#,*\'"'.split('')), { maxLength: 6 })
          .map((chars) => chars.join('')),
        { minLength: 2, maxLength: 5 },
      )
      .map((lines) => lines.join('\n')),
  },
);
const scalar = fc.oneof(
  { weight: 6, arbitrary: text },
  { weight: 1, arbitrary: fc.integer({ min: -1000, max: 100_000 }) },
  { weight: 1, arbitrary: fc.constantFrom(true, false, null, 1.5, -0, undefined) },
);
const value = fc.letrec((tie) => ({
  node: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    scalar,
    fc.array(tie('node'), { maxLength: 4 }),
    fc.dictionary(text, tie('node'), { maxKeys: 5 }),
  ),
})).node;
const documentArb = fc.dictionary(text, value, { maxKeys: 6 });

describe('blockYaml', () => {
  it('writes the bytes js-yaml writes, for any document', () => {
    fc.assert(
      fc.property(documentArb, (document) => {
        const written = blockYaml(document);
        expect(written).toBe(dump(document, YAML_OPTIONS));
        expect(load(written)).toEqual(load(dump(document, YAML_OPTIONS)));
      }),
      { numRuns: 2000 },
    );
  });

  it('writes the bytes js-yaml writes, for any value at the top level', () => {
    fc.assert(
      fc.property(value, (top) => {
        expect(blockYaml(top)).toBe(dump(top, YAML_OPTIONS));
      }),
      { numRuns: 1000 },
    );
  });

  it('writes a RoleBinding as Kubernetes reads it', () => {
    const binding = {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'RoleBinding',
      metadata: { name: 'koa-developer', namespace: 'koa-dev', labels: {} },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'edit' },
      subjects: [
        { kind: 'Group', name: 'yes', apiGroup: 'rbac.authorization.k8s.io' },
        { kind: 'User', name: 'ada@example.com', apiGroup: 'rbac.authorization.k8s.io' },
      ],
    };
    expect(blockYaml(binding)).toBe(
      [
        'apiVersion: rbac.authorization.k8s.io/v1',
        'kind: RoleBinding',
        'metadata:',
        '  name: koa-developer',
        '  namespace: koa-dev',
        '  labels: {}',
        'roleRef:',
        '  apiGroup: rbac.authorization.k8s.io',
        '  kind: ClusterRole',
        '  name: edit',
        'subjects:',
        '  - kind: Group',
        // YAML 1.1 (Kubernetes) reads a plain yes as true.
        '    name: "yes"',
        '    apiGroup: rbac.authorization.k8s.io',
        '  - kind: User',
        '    name: ada@example.com',
        '    apiGroup: rbac.authorization.k8s.io',
        '',
      ].join('\n'),
    );
  });

  it('quotes what would not read back as the same string', () => {
    for (const word of ['yes', 'on', 'null', 'True', '12', 'a: b', 'a #b', 'key:'])
      expect(load(blockYaml({ word }))).toEqual({ word });
  });
});
