import { describe, expect, it } from 'vitest';
import { exampleModel, SEED_000_GROUPS } from '../../../test/access-compiler/example-model.js';
import { compileAccessGraph } from './access-graph.js';

describe('compileAccessGraph on examples/tenancy.yaml', () => {
  const graph = compileAccessGraph(exampleModel());
  const groupsOf = (organization: string): string[] =>
    graph.groups.filter((g) => g.organization === organization).map((g) => g.name);

  it('creates exactly seed 000’s ten tool groups for jppol, and no read groups', () => {
    expect(groupsOf('jppol')).toEqual([...SEED_000_GROUPS].sort());
  });

  it('names seed 003’s hierarchical groups and seed 001’s edp-oidc groups', () => {
    expect(groupsOf('platform-one')).toEqual(
      expect.arrayContaining([
        'Platform-One/Products/Valkyrie/collaborator',
        'Platform-One/Products/Valkyrie/developer',
        'Platform-One/Products/Valkyrie/roles/ADMIN',
      ]),
    );
    expect(groupsOf('spacecamp')).toEqual([
      'SpaceCAMP/Genesis/collaborator',
      'SpaceCAMP/Genesis/developer',
    ]);
    expect(groupsOf('usmc')).toEqual([
      'USMC/Marine Coders/collaborator',
      'USMC/Marine Coders/developer',
    ]);
    expect(groupsOf('kuberocketci')).toEqual([
      'edp-oidc-admins',
      'edp-oidc-builders',
      'edp-oidc-deployers',
      'edp-oidc-developers',
      'edp-oidc-viewers',
    ]);
  });

  it('puts write-level people in tool groups, and declared group members in role groups', () => {
    const koaDev = graph.groups.find((g) => g.name === 'koa-dev-argocd-write');
    expect([...(koaDev?.members.keys() ?? [])]).toEqual(['koa.dev@jppol.example']);
    const valkyrie = graph.groups.find(
      (g) => g.name === 'Platform-One/Products/Valkyrie/developer',
    );
    expect([...(valkyrie?.members.keys() ?? [])]).toEqual([
      'val.cleared@p1.example.mil',
      'val.dev@p1.example.mil',
      'val.lead@p1.example.mil',
    ]);
    const argoAdmins = graph.groups.find((g) => g.name === 'ArgoCDAdmins');
    expect(argoAdmins?.realm).toBe('edp');
    expect([...(argoAdmins?.members.keys() ?? [])]).toEqual(['olena@edp.example']);
  });
});
