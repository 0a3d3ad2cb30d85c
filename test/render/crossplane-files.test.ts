import { readFileSync, writeFileSync } from 'node:fs';
import { Ajv } from 'ajv';
import { load, loadAll } from 'js-yaml';
import { describe, expect, it } from 'vitest';
import { clusterXrdYaml, XRD_PATH } from '../../src/domain/render/cluster-xrd.js';
import { renderEnvironment } from '../../src/domain/render/render-environment.js';
import { fileAt, inputFor, objectsOf, TYPE_NAMES, type KubeObject } from './render-fixtures.js';

const ROOT = new URL('../../', import.meta.url);
const read = (path: string) => readFileSync(new URL(path, ROOT), 'utf8');

type Schema = {
  type?: string;
  properties?: Record<string, Schema>;
  items?: Schema;
  [key: string]: unknown;
};

interface Xrd {
  metadata: { name: string };
  spec: {
    group: string;
    names: { kind: string; plural: string };
    claimNames: { kind: string; plural: string };
    defaultCompositionRef: { name: string };
    versions: { name: string; schema: { openAPIV3Schema: Schema } }[];
  };
}

function xrdFromFile(): Xrd {
  return load(read(XRD_PATH)) as Xrd;
}

function claimOf(type: string): KubeObject {
  const [claim] = objectsOf(
    fileAt(renderEnvironment(inputFor(type)), 'platform/cluster-claim.yaml'),
  );
  if (!claim) throw new Error('no claim');
  return claim;
}

function validator() {
  const schema = xrdFromFile().spec.versions[0]?.schema.openAPIV3Schema;
  // Kubernetes' OpenAPI dialect: `x-kubernetes-*` and `example` are annotations for ajv.
  const ajv = new Ajv({ strict: false, allErrors: true });
  return ajv.compile(schema ?? {});
}

describe('deploy/crossplane/xrd.yaml', () => {
  it('is generated from the claim schema and up to date', () => {
    const wanted = clusterXrdYaml();
    if (process.env['UPDATE_XRD'] === '1') writeFileSync(new URL(XRD_PATH, ROOT), wanted);
    expect(
      read(XRD_PATH),
      'stale: run `npm run build && node scripts/generate-xrd.js` (or UPDATE_XRD=1)',
    ).toBe(wanted);
  });

  it('is a structural schema: every node typed, no additionalProperties: false, no $ref', () => {
    const visit = (schema: Schema, at: string): void => {
      expect(typeof schema.type, at).toBe('string');
      expect(schema['additionalProperties'], at).not.toBe(false);
      expect(schema['$ref'], at).toBeUndefined();
      expect(schema['anyOf'], at).toBeUndefined();
      for (const [name, property] of Object.entries(schema.properties ?? {}))
        visit(property, `${at}.${name}`);
      if (schema.items) visit(schema.items, `${at}[]`);
      const extra = schema['additionalProperties'];
      if (typeof extra === 'object' && extra !== null) visit(extra as Schema, `${at}.*`);
    };
    const root = xrdFromFile().spec.versions[0]?.schema.openAPIV3Schema;
    expect(root).toBeDefined();
    visit(root ?? {}, 'openAPIV3Schema');
  });

  it.each(TYPE_NAMES)('accepts the rendered %s claim', (type) => {
    const validate = validator();
    const claim = claimOf(type);
    const xrd = xrdFromFile();
    expect(claim.apiVersion).toBe(`${xrd.spec.group}/${xrd.spec.versions[0]?.name}`);
    expect(claim.kind).toBe(xrd.spec.claimNames.kind);
    expect(validate(claim), JSON.stringify(validate.errors)).toBe(true);
  });

  it.each([
    ['no node pools', (spec: Record<string, unknown>) => (spec['nodePools'] = [])],
    [
      'an unknown node pool',
      (spec: Record<string, unknown>) => {
        (spec['nodePools'] as { name: string }[])[0]!.name = 'gpu-huge';
      },
    ],
    [
      'a node count of zero',
      (spec: Record<string, unknown>) => {
        (spec['nodePools'] as { minNodes: number }[])[0]!.minNodes = 0;
      },
    ],
    [
      'a malformed CIDR',
      (spec: Record<string, unknown>) => (spec['network'] = { vpcCidr: '10.0.0.0' }),
    ],
    [
      'an upper-case environment name',
      (spec: Record<string, unknown>) => (spec['environmentName'] = 'Dev'),
    ],
    ['no region', (spec: Record<string, unknown>) => delete spec['region']],
    [
      'HA as a string',
      (spec: Record<string, unknown>) => (spec['controlPlane'] = { highAvailability: 'yes' }),
    ],
  ])('refuses a claim with %s', (_what, breakIt) => {
    const validate = validator();
    const claim = structuredClone(claimOf('prod'));
    breakIt(claim.spec as Record<string, unknown>);
    expect(validate(claim)).toBe(false);
  });
});

describe('deploy/crossplane/composition-vultr.yaml', () => {
  const composition = load(read('deploy/crossplane/composition-vultr.yaml')) as {
    metadata: { name: string; labels: Record<string, string> };
    spec: {
      compositeTypeRef: { apiVersion: string; kind: string };
      pipeline: {
        step: string;
        functionRef: { name: string };
        input?: { inline?: { template: string } };
      }[];
    };
  };

  it('composes the XRD, is its default, and is what claims select', () => {
    const xrd = xrdFromFile();
    expect(composition.spec.compositeTypeRef).toEqual({
      apiVersion: `${xrd.spec.group}/${xrd.spec.versions[0]?.name}`,
      kind: xrd.spec.names.kind,
    });
    expect(composition.metadata.name).toBe(xrd.spec.defaultCompositionRef.name);
    const selector = claimOf('dev').spec?.['compositionSelector'] as {
      matchLabels: Record<string, string>;
    };
    expect(composition.metadata.labels).toMatchObject(selector.matchLabels);
  });

  it('runs only functions that functions.yaml installs', () => {
    const installed = (loadAll(read('deploy/crossplane/functions.yaml')) as KubeObject[]).map(
      (fn) => fn.metadata.name,
    );
    for (const step of composition.spec.pipeline)
      expect(installed).toContain(step.functionRef.name);
  });

  it('reads only claim fields the XRD defines', () => {
    const spec = xrdFromFile().spec.versions[0]?.schema.openAPIV3Schema.properties?.['spec'];
    const pool = spec?.properties?.['nodePools']?.items;
    const template = composition.spec.pipeline[0]?.input?.inline?.template ?? '';
    const fields = (variable: string) =>
      [...template.matchAll(new RegExp(`\\${variable}\\.([A-Za-z.]+)`, 'g'))].map(
        (m) => m[1] ?? '',
      );
    const resolve = (schema: Schema | undefined, path: string) =>
      path.split('.').reduce<Schema | undefined>((node, key) => node?.properties?.[key], schema);
    const specFields = fields('$spec');
    expect(specFields.length).toBeGreaterThan(5);
    for (const field of specFields) expect(resolve(spec, field), `$spec.${field}`).toBeDefined();
    for (const variable of ['$first', '$pool'])
      for (const field of fields(variable))
        expect(resolve(pool, field), `${variable}.${field}`).toBeDefined();
  });

  it('uses the Vultr and Terraform provider kinds', () => {
    const template = composition.spec.pipeline[0]?.input?.inline?.template ?? '';
    const kinds = [...template.matchAll(/apiVersion: (\S+)\s+kind: (\S+)/g)].map(
      (m) => `${m[1]} ${m[2]}`,
    );
    expect(kinds).toEqual([
      'tf.upbound.io/v1beta1 Workspace',
      'kubernetes.vultr.upbound.io/v1alpha1 Kubernetes',
      'kubernetes.vultr.upbound.io/v1alpha1 NodePools',
      'meta.gotemplating.fn.crossplane.io/v1alpha1 CompositeConnectionDetails',
      'platform.example.io/v1alpha1 XEnvironmentCluster',
    ]);
  });
});
