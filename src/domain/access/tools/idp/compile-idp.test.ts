import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import {
  exampleModel,
  SEED_000_GROUPS,
} from '../../../../../test/access-compiler/example-model.js';
import { compileAccessGraph } from '../../access-graph.js';
import { compileIdp, IDP_GROUPS_FILE } from './compile-idp.js';
import { groupPathSegments } from './group-path.js';

interface IdpGroup {
  name: string;
  path: string[];
  kind: string;
  organization?: string;
  realm?: string;
  description: string;
  members: string[];
}

describe('compileIdp on examples/tenancy.yaml', () => {
  const output = compileIdp(compileAccessGraph(exampleModel()));
  const file = output.files[0];
  const groups = (parse(file?.content ?? '') as { groups: IdpGroup[] }).groups;
  const byName = (name: string): IdpGroup | undefined => groups.find((g) => g.name === name);

  it('writes one generated file and makes no grants', () => {
    expect(output.tool).toBe('idp');
    expect(output.files.map((f) => f.path)).toEqual([IDP_GROUPS_FILE]);
    expect(() => JSON.parse(file?.content ?? '') as unknown).not.toThrow();
    expect(output.grants).toEqual([]);
  });

  it('lists exactly seed 000’s ten tool groups for jppol', () => {
    expect(groups.filter((g) => g.organization === 'jppol').map((g) => g.name)).toEqual(
      [...SEED_000_GROUPS].sort(),
    );
    expect(byName('koa-dev-grafana-write')).toEqual({
      name: 'koa-dev-grafana-write',
      path: ['koa-dev-grafana-write'],
      kind: 'tool',
      organization: 'jppol',
      description: 'grafana write access to namespace koa-dev',
      members: ['koa.dev@jppol.example'],
    });
  });

  it('splits seed 003’s hierarchical names into a path and keeps the realm', () => {
    expect(byName('Platform-One/Products/Valkyrie/roles/ADMIN')).toMatchObject({
      path: ['Platform-One', 'Products', 'Valkyrie', 'roles', 'ADMIN'],
      kind: 'extraRole',
      organization: 'platform-one',
      realm: 'p1',
      members: ['val.lead@p1.example.mil'],
    });
    expect(byName('Platform-One/Products/Valkyrie/developer')?.members).toEqual([
      'val.cleared@p1.example.mil',
      'val.dev@p1.example.mil',
      'val.lead@p1.example.mil',
    ]);
  });

  it('omits the organization of seed 001’s realm groups rather than writing null', () => {
    const admins = byName('ArgoCDAdmins');
    expect(admins).toMatchObject({ kind: 'realm', realm: 'edp', members: ['olena@edp.example'] });
    expect(admins).not.toHaveProperty('organization');
    expect(file?.content).not.toContain('null');
  });

  it('lists every graph group once, as an object for plan', () => {
    const graph = compileAccessGraph(exampleModel());
    expect(groups.map((g) => g.name)).toEqual(graph.groups.map((g) => g.name));
    expect(file?.objects).toContain('Group koa-dev-grafana-write');
    expect(file?.objects).toHaveLength(graph.groups.length);
  });

  it('is deterministic', () => {
    const again = compileIdp(compileAccessGraph(exampleModel()));
    expect(again.files[0]?.content).toBe(file?.content);
  });
});

describe('groupPathSegments', () => {
  it('keeps flat names whole and drops empty segments', () => {
    expect(groupPathSegments('koa-dev-argocd-write')).toEqual(['koa-dev-argocd-write']);
    expect(groupPathSegments('USMC/Marine Coders/developer')).toEqual([
      'USMC',
      'Marine Coders',
      'developer',
    ]);
    expect(groupPathSegments('/a//b/')).toEqual(['a', 'b']);
  });
});
