import { describe, expect, it } from 'vitest';
import type { ManagedGroup } from '../../access-graph.js';
import { flattenGroups, groupTree, keycloakGroupPath } from './group-tree.js';

function group(name: string, realmRoles: string[] = []): ManagedGroup {
  return {
    name,
    kind: 'realm',
    description: name,
    realm: 'r',
    organization: undefined,
    realmRoles,
    members: new Map(),
  };
}

describe('groupTree', () => {
  it('merges a group that is also a parent, and groups sharing a path', () => {
    const tree = groupTree([
      group('Org/Team/dev'),
      group('Org', ['viewer']),
      group('Org//Team/dev', ['dev']),
      group('Org/Team/dev', ['admin']),
    ]);
    expect(tree).toEqual([
      {
        name: 'Org',
        path: '/Org',
        realmRoles: ['viewer'],
        subGroups: [
          {
            name: 'Team',
            path: '/Org/Team',
            realmRoles: [],
            subGroups: [
              { name: 'dev', path: '/Org/Team/dev', realmRoles: ['admin', 'dev'], subGroups: [] },
            ],
          },
        ],
      },
    ]);
    expect(flattenGroups(tree).map((g) => g.path)).toEqual(['/Org', '/Org/Team', '/Org/Team/dev']);
  });

  it('sorts siblings by code unit, whatever order the groups come in', () => {
    const names = (list: ManagedGroup[]): string[] => groupTree(list).map((g) => g.name);
    expect(names([group('b'), group('B'), group('a')])).toEqual(['B', 'a', 'b']);
  });
});

describe('keycloakGroupPath', () => {
  it('is the name with a leading slash, without empty segments', () => {
    expect(keycloakGroupPath('USMC/Marine Coders/developer')).toBe('/USMC/Marine Coders/developer');
    expect(keycloakGroupPath('ArgoCDAdmins')).toBe('/ArgoCDAdmins');
    expect(keycloakGroupPath('/a//b')).toBe('/a/b');
  });
});
