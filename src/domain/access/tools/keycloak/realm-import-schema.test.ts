import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { exampleModel } from '../../../../../test/access-compiler/example-model.js';
import { compileAccessGraph } from '../../access-graph.js';
import { compileKeycloak } from './compile-keycloak.js';
import { realmImportSchema } from './realm-import-schema.js';

const files = compileKeycloak(compileAccessGraph(exampleModel())).files;

/** A small valid import to break one way at a time. */
function valid(): Record<string, unknown> {
  return {
    realm: 'edp',
    enabled: true,
    roles: {
      realm: [
        { name: 'administrator', composite: true, composites: { realm: ['sonar-administrators'] } },
        { name: 'sonar-administrators', composite: false, composites: { realm: [] } },
      ],
    },
    groups: [
      {
        name: 'Platform-One',
        path: '/Platform-One',
        realmRoles: [],
        subGroups: [{ name: 'Products', path: '/Platform-One/Products', realmRoles: ['x'] }],
      },
    ],
    users: [{ username: 'val', enabled: true, groups: ['/Platform-One/Products'] }],
  };
}

function problems(document: unknown): string[] {
  const result = realmImportSchema.safeParse(document);
  return result.success
    ? []
    : result.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
}

describe('realmImportSchema', () => {
  it.each(files.map((file) => [file.path, file.content]))(
    'accepts the generated %s',
    (_path, content) => {
      expect(problems(parse(content))).toEqual([]);
    },
  );

  it('accepts the hand-written valid document', () => {
    expect(problems(valid())).toEqual([]);
  });

  it('rejects unknown fields, as keycloak-config-cli’s FAIL_ON_UNKNOWN_PROPERTIES does', () => {
    const document = valid();
    const [group] = document.groups as Record<string, unknown>[];
    if (group) {
      group.subgroups = group.subGroups;
      delete group.subGroups;
      group.members = ['val'];
    }
    document.displayNameHtml = '<b>edp</b>';
    const found = problems(document);
    expect(found.some((p) => p.includes('subgroups'))).toBe(true);
    expect(found.some((p) => p.includes('members'))).toBe(true);
    expect(found.some((p) => p.includes('displayNameHtml'))).toBe(true);
  });

  it('rejects a wrong document: bad paths, unknown user groups, composite mismatches', () => {
    expect(
      problems({
        realm: 'edp',
        enabled: 'yes',
        roles: { realm: [{ name: 'admin', composite: true, composites: { realm: [] } }] },
        groups: [{ name: 'A/B', path: 'A/B' }],
        users: [{ username: 'val', enabled: true, groups: ['/Nowhere'] }],
      }),
    ).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^enabled: /),
        expect.stringMatching(/^groups\.0\.name: must not contain \//),
        expect.stringMatching(/^groups\.0\.path: must be a group path/),
      ]),
    );
    const mismatch = valid();
    const roles = (mismatch.roles as { realm: Record<string, unknown>[] }).realm;
    if (roles[1]) roles[1].composite = true;
    expect(problems(mismatch)).toEqual([
      'roles.realm.1.composite: composite must be true exactly when composites.realm lists roles',
    ]);
  });

  it('checks the tree and the users against each other', () => {
    const document = valid();
    const [group] = document.groups as { subGroups: Record<string, unknown>[] }[];
    if (group?.subGroups[0]) group.subGroups[0].path = '/Products';
    document.users = [
      { username: 'val', enabled: true, groups: ['/Platform-One/Products'] },
      { username: 'VAL', enabled: true, groups: ['/Missing'] },
    ];
    expect(problems(document)).toEqual([
      'groups.0.subGroups.0.path: must be /Platform-One/Products',
      'users.1.username: duplicate user VAL',
      'users.1.groups.0: no group /Missing in this realm',
    ]);
  });
});
