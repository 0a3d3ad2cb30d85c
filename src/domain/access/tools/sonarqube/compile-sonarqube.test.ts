import { load } from 'js-yaml';
import { describe, expect, it } from 'vitest';
import { exampleModel } from '../../../../../test/access-compiler/example-model.js';
import { tenancySchema } from '../../../tenancy/tenancy-schema.js';
import { compileAccessGraph } from '../../access-graph.js';
import { compileSonarQube, edpDefaultTemplate } from './compile-sonarqube.js';
import {
  sonarPermissionTemplateSchema,
  sonarPermissionTemplateV1Alpha1Schema,
  sonarPermissionTemplateV2Schema,
} from './sonar-permission-template-schema.js';

/** The example model with the kuberocketci organization on seed 001's API generation. */
function seedGenerationModel() {
  const model = exampleModel();
  return {
    ...model,
    organizations: model.organizations.map((organization) =>
      organization.name === 'kuberocketci'
        ? {
            ...organization,
            kuberocketci: {
              ...organization.kuberocketci,
              apiVersion: 'v2.edp.epam.com/v1' as const,
            },
          }
        : organization,
    ),
  };
}

/** Seed 001's SonarPermissionTemplate, as the seed prints it. */
const SEED_TEMPLATE = `
apiVersion: v2.edp.epam.com/v1
kind: SonarPermissionTemplate
metadata:
  name: edp-default
spec:
  description: EDP permission templates (DO NOT REMOVE)
  groupPermissions:
  - groupName: non-interactive-users
    permissions:
    - user
  - groupName: sonar-administrators
    permissions:
    - admin
    - user
  - groupName: sonar-developers
    permissions:
    - codeviewer
    - issueadmin
    - securityhotspotadmin
    - user
  name: edp-default
  projectKeyPattern: .+
  sonarOwner: sonar
`;

/** Seed 001's table of groups and permissions. */
const SEED_TABLE = {
  'non-interactive-users': ['user'],
  'sonar-administrators': ['admin', 'user'],
  'sonar-developers': ['codeviewer', 'issueadmin', 'securityhotspotadmin', 'user'],
};

describe('compileSonarQube on examples/tenancy.yaml', () => {
  const output = compileSonarQube(compileAccessGraph(exampleModel()));
  const [file] = output.files;

  it('writes the edp-default template exactly as seed 001 shows it on v2.edp.epam.com/v1', () => {
    const [seed] = compileSonarQube(compileAccessGraph(seedGenerationModel())).files;
    expect(seed?.path).toBe('sonarqube/sonar/edp-default.yaml');
    expect(load(seed?.content ?? '')).toEqual(load(SEED_TEMPLATE));
    expect(seed?.objects).toEqual(['SonarPermissionTemplate edp-default']);
  });

  it('writes the same template on the current edp.epam.com/v1alpha1 by default', () => {
    expect(output.files.map((f) => f.path)).toEqual(['sonarqube/sonar/edp-default.yaml']);
    const template = sonarPermissionTemplateV1Alpha1Schema.parse(load(file?.content ?? ''));
    expect(template.spec).toEqual({
      description: 'EDP permission templates (DO NOT REMOVE)',
      groupsPermissions: SEED_TABLE,
      name: 'edp-default',
      projectKeyPattern: '.+',
      sonarRef: { name: 'sonar', kind: 'Sonar' },
    });
  });

  it('gives the template groups exactly the permissions of the seed’s table', () => {
    const template = sonarPermissionTemplateV2Schema.parse(
      edpDefaultTemplate('v2.edp.epam.com/v1', 'sonar'),
    );
    const groups = template.spec.groupPermissions ?? [];
    expect(Object.fromEntries(groups.map((g) => [g.groupName, g.permissions]))).toEqual(SEED_TABLE);
  });

  it('validates against the schema of its generation', () => {
    expect(sonarPermissionTemplateSchema.safeParse(load(file?.content ?? '')).success).toBe(true);
  });

  it('grants the template groups per level of edp, with admin since it opts in', () => {
    expect(output.grants).toEqual([
      {
        tool: 'sonarqube',
        subject: { kind: 'group', name: 'non-interactive-users' },
        permission: 'user (template edp-default)',
        level: 'read',
        product: 'edp',
        file: 'sonarqube/sonar/edp-default.yaml',
      },
      {
        tool: 'sonarqube',
        subject: { kind: 'group', name: 'sonar-developers' },
        permission: 'codeviewer, issueadmin, securityhotspotadmin, user (template edp-default)',
        level: 'write',
        product: 'edp',
        file: 'sonarqube/sonar/edp-default.yaml',
      },
      {
        tool: 'sonarqube',
        subject: { kind: 'group', name: 'sonar-administrators' },
        permission: 'admin, user (template edp-default)',
        level: 'admin',
        product: 'edp',
        file: 'sonarqube/sonar/edp-default.yaml',
      },
    ]);
  });

  it('is deterministic', () => {
    expect(compileSonarQube(compileAccessGraph(exampleModel()))).toEqual(output);
  });
});

describe('compileSonarQube on small models', () => {
  it('writes nothing when no product lists SonarQube', () => {
    const model = tenancySchema.parse({
      organizations: [{ name: 'acme', products: [{ name: 'web' }] }],
    });
    expect(compileSonarQube(compileAccessGraph(model))).toEqual({
      tool: 'sonarqube',
      files: [],
      grants: [],
    });
  });

  it('grants no administrators to products without customer admin', () => {
    const model = tenancySchema.parse({
      organizations: [
        { name: 'acme', products: [{ name: 'web', tools: { sonarqube: ['write'] } }] },
      ],
    });
    const output = compileSonarQube(compileAccessGraph(model));
    expect(output.grants.map((grant) => [grant.subject.name, grant.level])).toEqual([
      ['sonar-developers', 'write'],
    ]);
  });
});

describe('compileSonarQube per Sonar resource', () => {
  it('writes one template per Sonar, each in its organization’s generation', () => {
    const model = tenancySchema.parse({
      organizations: [
        {
          name: 'old',
          kuberocketci: { apiVersion: 'v2.edp.epam.com/v1', sonar: 'legacy-sonar' },
          products: [{ name: 'a', tools: { sonarqube: ['write'] } }],
        },
        { name: 'new', products: [{ name: 'b', tools: { sonarqube: ['read'] } }] },
        { name: 'also-new', products: [{ name: 'c', tools: { sonarqube: ['write'] } }] },
      ],
    });
    const output = compileSonarQube(compileAccessGraph(model));
    const documents = output.files.map((f) => [f.path, load(f.content)] as const);
    expect(
      documents.map(([path, object]) => [path, (object as { apiVersion: string }).apiVersion]),
    ).toEqual([
      ['sonarqube/legacy-sonar/edp-default.yaml', 'v2.edp.epam.com/v1'],
      ['sonarqube/sonar/edp-default.yaml', 'edp.epam.com/v1alpha1'],
    ]);
    expect(sonarPermissionTemplateV2Schema.parse(documents[0]?.[1]).spec.sonarOwner).toBe(
      'legacy-sonar',
    );
    expect(output.grants.map((g) => [g.product, g.file])).toEqual([
      ['a', 'sonarqube/legacy-sonar/edp-default.yaml'],
      ['b', 'sonarqube/sonar/edp-default.yaml'],
      ['c', 'sonarqube/sonar/edp-default.yaml'],
    ]);
  });
});

describe('sonarPermissionTemplateSchema', () => {
  it('rejects a broken v1alpha1 template', () => {
    const template = sonarPermissionTemplateV1Alpha1Schema.parse(
      edpDefaultTemplate('edp.epam.com/v1alpha1', 'sonar'),
    );
    const broken = [
      { ...template, apiVersion: 'v2.edp.epam.com/v1' },
      { ...template, spec: { ...template.spec, sonarRef: undefined } },
      { ...template, spec: { ...template.spec, sonarRef: { kind: 'Sonar' } } },
      { ...template, spec: { ...template.spec, sonarOwner: 'sonar' } },
      { ...template, spec: { ...template.spec, groupsPermissions: { x: ['write'] } } },
    ];
    for (const object of broken)
      expect(sonarPermissionTemplateSchema.safeParse(object).success).toBe(false);
  });

  it('rejects a broken v2 template', () => {
    const template = sonarPermissionTemplateV2Schema.parse(
      edpDefaultTemplate('v2.edp.epam.com/v1', 'sonar'),
    );
    const broken = [
      { ...template, apiVersion: 'edp.epam.com/v1alpha1' },
      { ...template, spec: { ...template.spec, sonarOwner: undefined } },
      { ...template, spec: { ...template.spec, groupsPermissions: {} } },
      {
        ...template,
        spec: {
          ...template.spec,
          groupPermissions: [{ groupName: 'sonar-developers', permissions: ['write'] }],
        },
      },
      { ...template, metadata: { name: 'EDP Default' } },
    ];
    for (const object of broken)
      expect(sonarPermissionTemplateSchema.safeParse(object).success).toBe(false);
  });
});
