import { loadAll } from 'js-yaml';
import { describe, expect, it } from 'vitest';
import { exampleModel } from '../../../../../test/access-compiler/example-model.js';
import { isDnsLabel } from '../../../claims/names.js';
import { tenancySchema } from '../../../tenancy/tenancy-schema.js';
import { compileAccessGraph } from '../../access-graph.js';
import type { ToolOutput } from '../../access-output.js';
import { GERRIT_PATH, compileGerrit } from './compile-gerrit.js';
import { gerritGroupMemberSchema, gerritGroupSchema } from './gerrit-schema.js';
import { objectName } from '../../../shared/object-name.js';

/** The file's objects, each validated against its CRD schema. */
const objects = (output: ToolOutput) =>
  (loadAll(output.files[0]?.content ?? '') as { kind?: string }[]).map((object) =>
    object.kind === 'GerritGroup'
      ? gerritGroupSchema.parse(object)
      : gerritGroupMemberSchema.parse(object),
  );

const memberships = (output: ToolOutput): string[][] =>
  objects(output).flatMap((object) =>
    object.kind === 'GerritGroupMember' ? [[object.spec.groupId, object.spec.accountId]] : [],
  );

describe('compileGerrit on examples/tenancy.yaml', () => {
  const output = compileGerrit(compileAccessGraph(exampleModel()));

  it('adds the edp people to the edp-oidc developer and viewer groups by e-mail', () => {
    expect(output.files.map((file) => file.path)).toEqual([GERRIT_PATH]);
    expect(memberships(output)).toEqual([
      ['edp-oidc-developers', 'olena@edp.example'],
      ['edp-oidc-developers', 'taras@edp.example'],
      ['edp-oidc-viewers', 'olena@edp.example'],
      ['edp-oidc-viewers', 'taras@edp.example'],
    ]);
  });

  it('creates the groups it fills', () => {
    const groups = objects(output).filter((object) => object.kind === 'GerritGroup');
    expect(groups.map((group) => group.spec)).toEqual([
      {
        name: 'edp-oidc-developers',
        description: 'Gerrit group for edp write access',
        visibleToAll: false,
      },
      {
        name: 'edp-oidc-viewers',
        description: 'Gerrit group for edp read access',
        visibleToAll: false,
      },
    ]);
  });

  it('names every object with a unique DNS-1123 label', () => {
    const names = objects(output).map((object) => object.metadata.name);
    for (const name of names) expect(isDnsLabel(name)).toBe(true);
    expect(new Set(names).size).toBe(names.length);
    expect(output.files[0]?.objects).toEqual(
      objects(output).map((object) => `${object.kind} ${object.metadata.name}`),
    );
  });

  it('grants membership per person and level', () => {
    expect(output.grants).toContainEqual({
      tool: 'gerrit',
      subject: { kind: 'user', name: 'taras@edp.example' },
      permission: 'member of edp-oidc-developers',
      level: 'write',
      product: 'edp',
      file: GERRIT_PATH,
    });
    expect(output.grants).toHaveLength(4);
  });

  it('is deterministic', () => {
    expect(compileGerrit(compileAccessGraph(exampleModel()))).toEqual(output);
  });
});

describe('compileGerrit on a small model', () => {
  const model = tenancySchema.parse({
    users: [
      { name: 'ann', email: 'ann@acme.example' },
      { name: 'bob', email: 'bob@acme.example' },
      { name: 'dee' },
    ],
    organizations: [
      {
        name: 'acme',
        groupNaming: { roleGroups: [] },
        products: [
          {
            name: 'web',
            tools: { gerrit: ['write'] },
            members: [
              { user: 'ann', role: 'developer' },
              { user: 'dee', role: 'developer' },
            ],
          },
        ],
      },
      {
        name: 'krci',
        groupNaming: { roles: 'edp-oidc-{role}s', roleNames: { collaborator: 'viewer' } },
        products: [
          {
            name: 'one',
            tools: { gerrit: ['write'] },
            members: [{ user: 'bob', role: 'developer' }],
          },
          {
            name: 'two',
            tools: { gerrit: ['write'] },
            members: [{ user: 'bob', role: 'developer' }],
          },
        ],
      },
    ],
  });
  const output = compileGerrit(compileAccessGraph(model));

  it('falls back to <product>-developers, and writes a shared membership once', () => {
    expect(memberships(output)).toEqual([
      ['edp-oidc-developers', 'bob@acme.example'],
      ['web-developers', 'ann@acme.example'],
    ]);
    const group = objects(output).find((object) => object.kind === 'GerritGroup');
    expect(group?.spec).toMatchObject({
      description: 'Gerrit group for one write, two write access',
    });
  });

  it('grants per product, leaving out people without an e-mail', () => {
    expect(output.grants.map((grant) => [grant.product, grant.subject.name])).toEqual([
      ['web', 'ann'],
      ['one', 'bob'],
      ['two', 'bob'],
    ]);
  });

  it('writes nothing when no product lists Gerrit', () => {
    const none = compileGerrit(compileAccessGraph(tenancySchema.parse({})));
    expect(none).toEqual({ tool: 'gerrit', files: [], grants: [] });
  });
});

describe('objectName', () => {
  it('keeps values that slug alike apart, and long values within 63 characters', () => {
    expect(objectName(['a.b'])).not.toBe(objectName(['a-b']));
    const long = objectName(['Platform-One/Products/Valkyrie/developer', 'x'.repeat(80)]);
    expect(long.length).toBeLessThanOrEqual(63);
    expect(isDnsLabel(long)).toBe(true);
    expect(isDnsLabel(objectName(['@@@']))).toBe(true);
  });
});

describe('gerrit schemas', () => {
  it('reject broken objects', () => {
    const member = {
      apiVersion: 'v2.edp.epam.com/v1',
      kind: 'GerritGroupMember',
      metadata: { name: 'm' },
      spec: { groupId: 'g', accountId: 'a@b.example' },
    };
    expect(gerritGroupMemberSchema.safeParse(member).success).toBe(true);
    const broken = [
      { ...member, apiVersion: 'v1' },
      { ...member, spec: { groupId: 'g' } },
      { ...member, spec: { ...member.spec, group: 'g' } },
      { ...member, metadata: { name: 'Not_A_Label' } },
    ];
    for (const object of broken)
      expect(gerritGroupMemberSchema.safeParse(object).success).toBe(false);
    expect(
      gerritGroupSchema.safeParse({
        ...member,
        kind: 'GerritGroup',
        spec: { name: 'g', owner: 'x' },
      }).success,
    ).toBe(false);
  });
});
