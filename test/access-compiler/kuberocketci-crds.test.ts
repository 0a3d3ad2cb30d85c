import { readdirSync, readFileSync } from 'node:fs';
import { Ajv, type ValidateFunction } from 'ajv';
import fc from 'fast-check';
import { loadAll } from 'js-yaml';
import { describe, expect, it } from 'vitest';
import { compileAccessGraph } from '../../src/domain/access/access-graph.js';
import type { AccessFile } from '../../src/domain/access/access-output.js';
import { compileGerrit } from '../../src/domain/access/tools/gerrit/compile-gerrit.js';
import { compileNexus } from '../../src/domain/access/tools/nexus/compile-nexus.js';
import { compileSonarQube } from '../../src/domain/access/tools/sonarqube/compile-sonarqube.js';
import { checkAccessModel } from '../../src/domain/tenancy/access-model-checks.js';
import { KUBEROCKETCI_API_VERSIONS } from '../../src/domain/tenancy/kuberocketci-schema.js';
import { tenancySchema, type Tenancy } from '../../src/domain/tenancy/tenancy-schema.js';
import { exampleModel } from './example-model.js';

const DIR = new URL('../fixtures/kuberocketci/', import.meta.url);

interface Schema {
  properties?: Record<string, Schema>;
  items?: Schema;
  additionalProperties?: Schema | boolean;
  [key: string]: unknown;
}
interface Fixture {
  file: string;
  source: { repository: string; tag: string; commit: string; path: string };
  group: string;
  version: string;
  kind: string;
  openAPIV3Schema: Schema;
}
type KubeObject = { apiVersion: string; kind: string; [key: string]: unknown };

const fixtures: Fixture[] = readdirSync(DIR)
  .filter((file) => file.endsWith('.json'))
  .map((file) => ({
    ...(JSON.parse(readFileSync(new URL(file, DIR), 'utf8')) as Omit<Fixture, 'file'>),
    file,
  }));

/**
 * The schema with `additionalProperties: false` wherever it lists properties: the API
 * server prunes unknown fields without an error, so a misspelt field would pass the CRD
 * as is and be silently lost. `metadata` (no properties listed) stays open.
 */
function closed(schema: Schema): Schema {
  const out: Schema = { ...schema };
  if (schema.properties) {
    out.properties = Object.fromEntries(
      Object.entries(schema.properties).map(([key, value]) => [key, closed(value)]),
    );
    if (schema.additionalProperties === undefined) out.additionalProperties = false;
  }
  if (schema.items) out.items = closed(schema.items);
  if (typeof schema.additionalProperties === 'object')
    out.additionalProperties = closed(schema.additionalProperties);
  return out;
}

// Kubernetes' OpenAPI dialect: `x-kubernetes-*`, `example` and `nullable` are annotations
// for ajv (`nullable` is honoured by the API server; the generator never writes null).
const ajv = new Ajv({ strict: false, allErrors: true, formats: { int64: true } });
const validators = new Map<string, { fixture: Fixture; validate: ValidateFunction }>(
  fixtures.map((fixture) => [
    `${fixture.group}/${fixture.version} ${fixture.kind}`,
    { fixture, validate: ajv.compile(closed(fixture.openAPIV3Schema)) },
  ]),
);
const validatorOf = (object: KubeObject) => validators.get(`${object.apiVersion} ${object.kind}`);

const objectsOf = (files: readonly AccessFile[]): KubeObject[] =>
  files
    .filter((file) => file.path.endsWith('.yaml'))
    .flatMap((file) => loadAll(file.content) as KubeObject[]);

function kuberocketciFiles(model: Tenancy): AccessFile[] {
  const graph = compileAccessGraph(model);
  return [compileSonarQube, compileNexus, compileGerrit].flatMap((compile) => compile(graph).files);
}

/** Two organizations on the two generations, each with its own Sonar and Nexus. */
const bothGenerations = tenancySchema.parse({
  users: [
    { name: 'ann', email: 'ann@acme.example', firstName: 'Ann', lastName: 'Lee' },
    { name: 'bob', email: 'bob@acme.example' },
    { name: 'cy', email: 'cy@beta.example' },
  ],
  organizations: [
    {
      name: 'acme',
      kuberocketci: { apiVersion: 'v2.edp.epam.com/v1', sonar: 'old-sonar', nexus: 'old-nexus' },
      products: [
        {
          name: 'web',
          customerAdmin: true,
          tools: { sonarqube: ['read', 'write'], nexus: ['read', 'write'], gerrit: ['write'] },
          members: [
            { user: 'ann', role: 'developer', admin: true },
            { user: 'bob', role: 'collaborator' },
          ],
        },
      ],
    },
    {
      name: 'beta',
      products: [
        {
          name: 'api',
          tools: { sonarqube: ['write'], nexus: ['read'], gerrit: ['read', 'write'] },
          members: [
            { user: 'cy', role: 'developer' },
            { user: 'ann', role: 'collaborator' },
          ],
        },
      ],
    },
  ],
});

describe('KubeRocketCI output against the operators’ CRDs (test/fixtures/kuberocketci)', () => {
  it('has a fixture of every kind and generation, each naming its source release', () => {
    expect([...validators.keys()].sort()).toEqual([
      'edp.epam.com/v1alpha1 NexusUser',
      'edp.epam.com/v1alpha1 SonarPermissionTemplate',
      'v2.edp.epam.com/v1 GerritGroup',
      'v2.edp.epam.com/v1 GerritGroupMember',
      'v2.edp.epam.com/v1 NexusUser',
      'v2.edp.epam.com/v1 SonarPermissionTemplate',
    ]);
    for (const { source } of fixtures) {
      expect(source.repository).toMatch(/^https:\/\/github\.com\/epam\/edp-[a-z]+-operator$/);
      expect(source.tag).toMatch(/^v\d+\.\d+\.\d+$/);
      expect(source.commit).toMatch(/^[0-9a-f]{40}$/);
    }
  });

  for (const [name, model] of [
    ['two organizations on both generations', bothGenerations],
    ['examples/tenancy.yaml', exampleModel()],
  ] as const)
    it(`accepts every document generated for ${name}`, () => {
      const objects = objectsOf(kuberocketciFiles(model));
      expect(objects.length).toBeGreaterThan(0);
      for (const object of objects) {
        const found = validatorOf(object);
        expect(found, `${object.apiVersion} ${object.kind} has no CRD fixture`).toBeDefined();
        const valid = found?.validate(object);
        expect(found?.validate.errors ?? [], JSON.stringify(object)).toEqual([]);
        expect(valid).toBe(true);
      }
    });

  it('covers every fixture with the two-generation model', () => {
    const used = new Set(
      objectsOf(kuberocketciFiles(bothGenerations)).map((o) => `${o.apiVersion} ${o.kind}`),
    );
    expect([...used].sort()).toEqual([...validators.keys()].sort());
  });

  describe('fails on documents the operators would refuse or silently change', () => {
    const objects = objectsOf(kuberocketciFiles(bothGenerations));
    const first = (apiVersion: string, kind: string): KubeObject => {
      const found = objects.find((o) => o.apiVersion === apiVersion && o.kind === kind);
      if (!found) throw new Error(`no ${apiVersion} ${kind}`);
      return found;
    };
    const withSpec = (object: KubeObject, change: (spec: Record<string, unknown>) => void) => {
      const copy = structuredClone(object) as KubeObject & { spec: Record<string, unknown> };
      change(copy.spec);
      return copy;
    };
    const rejects = (object: KubeObject): boolean =>
      validatorOf(object)?.validate(object) === false;

    it('a v1alpha1 SonarPermissionTemplate without sonarRef or its name', () => {
      const template = first('edp.epam.com/v1alpha1', 'SonarPermissionTemplate');
      expect(rejects(template)).toBe(false);
      expect(rejects(withSpec(template, (spec) => delete spec['sonarRef']))).toBe(true);
      expect(rejects(withSpec(template, (spec) => (spec['sonarRef'] = { kind: 'Sonar' })))).toBe(
        true,
      );
      // A 2.x field on a 3.x object: the API server would prune it and lose the owner.
      expect(rejects(withSpec(template, (spec) => (spec['sonarOwner'] = 'sonar')))).toBe(true);
    });

    it('a v1alpha1 NexusUser without id, nexusRef or its password secret', () => {
      const user = first('edp.epam.com/v1alpha1', 'NexusUser');
      expect(rejects(user)).toBe(false);
      for (const field of ['id', 'nexusRef', 'secret', 'roles'])
        expect(rejects(withSpec(user, (spec) => delete spec[field])), field).toBe(true);
      expect(rejects(withSpec(user, (spec) => (spec['roles'] = [])))).toBe(true);
      expect(rejects(withSpec(user, (spec) => (spec['status'] = 'enabled')))).toBe(true);
      expect(rejects(withSpec(user, (spec) => (spec['userId'] = 'ann')))).toBe(true);
    });

    it('v2 documents without their owner or user id', () => {
      const template = first('v2.edp.epam.com/v1', 'SonarPermissionTemplate');
      expect(rejects(withSpec(template, (spec) => delete spec['sonarOwner']))).toBe(true);
      const user = first('v2.edp.epam.com/v1', 'NexusUser');
      expect(rejects(withSpec(user, (spec) => delete spec['userId']))).toBe(true);
      expect(rejects(withSpec(user, (spec) => (spec['nexusRef'] = { name: 'nexus' })))).toBe(true);
      const member = first('v2.edp.epam.com/v1', 'GerritGroupMember');
      expect(rejects(withSpec(member, (spec) => delete spec['accountId']))).toBe(true);
    });
  });
});

const PEOPLE = ['ann', 'bob', 'cy', 'dee'];
const levels = fc.option(fc.subarray(['read', 'write'] as const, { minLength: 1 }), {
  nil: undefined,
});
/** Random organizations on random generations; those sharing a resource share its generation. */
const modelArb = fc
  .array(
    fc.record({
      apiVersion: fc.constantFrom(...KUBEROCKETCI_API_VERSIONS),
      ownResources: fc.boolean(),
      customerAdmin: fc.boolean(),
      tools: fc.record({ sonarqube: levels, nexus: levels, gerrit: levels }),
      members: fc.subarray(PEOPLE),
      developers: fc.subarray(PEOPLE),
    }),
    { minLength: 1, maxLength: 3 },
  )
  .map((organizations) =>
    tenancySchema.parse({
      users: [
        { name: 'ann', email: 'ann@x.example', firstName: 'Ann', lastName: 'Lee' },
        { name: 'bob', email: 'bob@x.example' },
        { name: 'cy', email: 'cy.o@y.example' },
        { name: 'dee' },
      ],
      organizations: organizations.map((o, i) => {
        const suffix = o.ownResources
          ? `-${i}`
          : o.apiVersion === 'v2.edp.epam.com/v1'
            ? '-v2'
            : '';
        return {
          name: `org-${i}`,
          kuberocketci: {
            apiVersion: o.apiVersion,
            sonar: `sonar${suffix}`,
            nexus: `nexus${suffix}`,
          },
          products: [
            {
              name: `app-${i}`,
              customerAdmin: o.customerAdmin,
              tools: Object.fromEntries(Object.entries(o.tools).filter(([, l]) => l)),
              members: o.members.map((user) => ({
                user,
                role: o.developers.includes(user) ? 'developer' : 'collaborator',
              })),
            },
          ],
        };
      }),
    }),
  );

/** The Sonar or Nexus resource an object belongs to, from either generation's fields. */
function ownerOf(object: KubeObject): { key: 'sonar' | 'nexus'; name: string } | undefined {
  const spec = object.spec as {
    sonarRef?: { name: string };
    sonarOwner?: string;
    nexusRef?: { name: string };
    ownerName?: string;
  };
  if (object.kind === 'SonarPermissionTemplate')
    return { key: 'sonar', name: spec.sonarRef?.name ?? spec.sonarOwner ?? '' };
  if (object.kind === 'NexusUser')
    return { key: 'nexus', name: spec.nexusRef?.name ?? spec.ownerName ?? '' };
  return undefined;
}

describe('KubeRocketCI output over random models', () => {
  it('is accepted by the CRD of its generation, with each user’s own password Secret', () => {
    fc.assert(
      fc.property(modelArb, (model) => {
        expect(checkAccessModel(model)).toEqual([]);
        const objects = objectsOf(kuberocketciFiles(model));
        for (const object of objects) {
          const found = validatorOf(object);
          expect(found?.validate(object), JSON.stringify(object)).toBe(true);
          const owner = ownerOf(object);
          if (owner)
            expect(object.apiVersion).toBe(
              model.organizations.find((o) => o.kuberocketci[owner.key] === owner.name)
                ?.kuberocketci.apiVersion,
            );
        }
        const secrets = objects.flatMap((o) =>
          o.kind === 'NexusUser' && o.apiVersion === 'edp.epam.com/v1alpha1'
            ? [`${(o.spec as { id: string }).id} ${(o.spec as { secret: string }).secret}`]
            : [],
        );
        const byUser = new Map(secrets.map((line) => line.split(' ') as [string, string]));
        expect(new Set(byUser.values()).size).toBe(byUser.size);
      }),
      { numRuns: 60 },
    );
  });
});
