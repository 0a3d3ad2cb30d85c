import { load } from 'js-yaml';
import { describe, expect, it } from 'vitest';
import { exampleModel } from '../../../../../test/access-compiler/example-model.js';
import { tenancySchema } from '../../../tenancy/tenancy-schema.js';
import { compileAccessGraph } from '../../access-graph.js';
import { compileSonarQube, edpDefaultTemplate } from './compile-sonarqube.js';
import { sonarPermissionTemplateSchema } from './sonar-permission-template-schema.js';

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

  it('writes the edp-default template exactly as seed 001 shows it', () => {
    expect(output.files.map((f) => f.path)).toEqual(['sonarqube/edp-default.yaml']);
    expect(load(file?.content ?? '')).toEqual(load(SEED_TEMPLATE));
    expect(file?.objects).toEqual(['SonarPermissionTemplate edp-default']);
  });

  it('gives the template groups exactly the permissions of the seed’s table', () => {
    const groups = edpDefaultTemplate().spec.groupPermissions ?? [];
    expect(Object.fromEntries(groups.map((g) => [g.groupName, g.permissions]))).toEqual(SEED_TABLE);
  });

  it('validates against the operator’s CRD schema', () => {
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
        file: 'sonarqube/edp-default.yaml',
      },
      {
        tool: 'sonarqube',
        subject: { kind: 'group', name: 'sonar-developers' },
        permission: 'codeviewer, issueadmin, securityhotspotadmin, user (template edp-default)',
        level: 'write',
        product: 'edp',
        file: 'sonarqube/edp-default.yaml',
      },
      {
        tool: 'sonarqube',
        subject: { kind: 'group', name: 'sonar-administrators' },
        permission: 'admin, user (template edp-default)',
        level: 'admin',
        product: 'edp',
        file: 'sonarqube/edp-default.yaml',
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

describe('sonarPermissionTemplateSchema', () => {
  it('rejects a broken template', () => {
    const template = edpDefaultTemplate();
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
