import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { checkAccessModel } from './access-model-checks.js';
import { tenancyWarnings } from './model-checks.js';
import { parseTenancy } from './parse-tenancy.js';
import { tenancySchema } from './tenancy-schema.js';

const check = (input: unknown) => checkAccessModel(tenancySchema.parse(input));
const warnings = (input: unknown) => tenancyWarnings(tenancySchema.parse(input));

/** One organization with a product on namespaces `g-dev` and `g-prod`, Grafana write. */
const grafanaModel = (extra: Record<string, unknown> = {}) => ({
  ...extra,
  organizations: [
    {
      name: 'o',
      products: [{ name: 'g', namespaces: ['g-dev', 'g-prod'], tools: { grafana: ['write'] } }],
    },
  ],
});

describe('service accounts and IdP group ids', () => {
  it.each([
    [
      'a service account listed twice',
      { serviceAccounts: [{ name: 'ci' }, { name: 'ci', kubernetes: { namespace: 'x' } }] },
      'serviceAccounts.1.name',
      "duplicate service account 'ci' (also serviceAccounts.0)",
    ],
    [
      'a Kubernetes service account whose name Kubernetes refuses',
      { serviceAccounts: [{ name: 'CI Bot', kubernetes: { namespace: 'x' } }] },
      'serviceAccounts.0.name',
      "'CI Bot' is not a Kubernetes ServiceAccount name",
    ],
    [
      'one IdP id for two groups',
      { idp: { groupIds: { a: 'id-1', b: 'id-1' } } },
      'idp.groupIds.b',
      "id 'id-1' is also given to group 'a'",
    ],
  ])('reports %s', (_kind, model, path, fragment) => {
    expect(check(model)).toEqual([{ path, message: expect.stringContaining(fragment) as string }]);
  });

  it('accepts an IdP client with any name and a Kubernetes one with a DNS name', () => {
    expect(
      check({
        serviceAccounts: [
          { name: 'CI Bot' },
          { name: 'tekton.ci', kubernetes: { namespace: 'x' } },
        ],
      }),
    ).toEqual([]);
  });

  it('rejects a Kubernetes namespace that is not a DNS label (schema)', () => {
    expect(
      tenancySchema.safeParse({ serviceAccounts: [{ name: 'a', kubernetes: { namespace: 'A' } }] })
        .success,
    ).toBe(false);
  });
});

describe('tenancyWarnings', () => {
  it('warns once per Grafana group without an IdP object id', () => {
    expect(
      warnings(grafanaModel({ idp: { groupIds: { 'g-dev-grafana-write': 'id-1' } } })),
    ).toEqual([
      {
        path: 'idp.groupIds.g-prod-grafana-write',
        message: expect.stringContaining(
          "Grafana group 'g-prod-grafana-write' (product g) has no IdP object id",
        ) as string,
      },
    ]);
    expect(warnings(grafanaModel()).map((warning) => warning.path)).toEqual([
      'idp.groupIds.g-dev-grafana-write',
      'idp.groupIds.g-prod-grafana-write',
    ]);
  });

  it('is silent when every Grafana group has an id, or nothing uses Grafana', () => {
    const ids = { 'g-dev-grafana-write': 'id-1', 'g-prod-grafana-write': 'id-2' };
    expect(warnings(grafanaModel({ idp: { groupIds: ids } }))).toEqual([]);
    expect(warnings({ organizations: [{ name: 'o', products: [{ name: 'p' }] }] })).toEqual([]);
  });

  it('does not make a warning an error: the model still passes the checks', () => {
    expect(check(grafanaModel())).toEqual([]);
  });

  it('warns for ai’s groups in examples/tenancy.yaml (koa’s have ids)', () => {
    const text = readFileSync(new URL('../../../examples/tenancy.yaml', import.meta.url), 'utf8');
    const { model } = parseTenancy(text, { source: 'examples/tenancy.yaml' });
    expect(tenancyWarnings(model).map((warning) => warning.path)).toEqual([
      'idp.groupIds.ai-test-grafana-write',
      'idp.groupIds.ai-prod-grafana-write',
    ]);
  });
});
