import { describe, expect, it } from 'vitest';
import { indexTenancy, membershipsOf } from './tenancy-index.js';
import { tenancySchema } from './tenancy-schema.js';

const model = tenancySchema.parse({
  platformAdmins: { groups: ['platform-admins'] },
  clearances: [{ name: 'il2', group: 'IL2 Authorized', users: ['val.cleared@p1'] }],
  organizations: [
    {
      name: 'platform-one',
      groupName: 'Platform-One',
      groups: [{ name: 'Platform-One/Products/Valkyrie/collaborator', members: ['val.viewer@p1'] }],
      products: [
        {
          name: 'valkyrie',
          groupName: 'Valkyrie',
          path: ['Products'],
          pools: ['valkyrie'],
          members: [{ serviceAccount: 'ci', role: 'developer', extensions: ['deployer'] }],
        },
      ],
    },
  ],
});
const index = indexTenancy(model);
const pathTo = (memberships: ReturnType<typeof membershipsOf>, group: string) =>
  memberships.find((membership) => membership.group === group)?.path;

describe('membershipsOf', () => {
  it('explains a role reached through a conventional IdP group in the token', () => {
    const memberships = membershipsOf(index, {
      subject: 'val.dev@p1',
      kind: 'user',
      groups: ['Platform-One/Products/Valkyrie/developer'],
    });
    expect(memberships.map((membership) => membership.group).sort()).toEqual([
      'idp:Platform-One/Products/Valkyrie/developer',
      'product:valkyrie:collaborator',
      'product:valkyrie:developer',
    ]);
    expect(pathTo(memberships, 'product:valkyrie:collaborator')).toEqual([
      'user val.dev@p1',
      "token carries IdP group 'Platform-One/Products/Valkyrie/developer'",
      "IdP group 'Platform-One/Products/Valkyrie/developer' is product valkyrie's developer group by the naming convention of platform-one",
      'developers of valkyrie have collaborator rights too',
    ]);
  });

  it('explains a role reached through a declared group and a clearance held directly', () => {
    const viewer = membershipsOf(index, { subject: 'val.viewer@p1', kind: 'user', groups: [] });
    expect(pathTo(viewer, 'product:valkyrie:collaborator')).toEqual([
      'user val.viewer@p1',
      "member of IdP group 'Platform-One/Products/Valkyrie/collaborator' (organization platform-one)",
      "IdP group 'Platform-One/Products/Valkyrie/collaborator' is product valkyrie's collaborator group by the naming convention of platform-one",
    ]);
    expect(pathTo(viewer, 'product:valkyrie:developer')).toBeUndefined();
    const cleared = membershipsOf(index, { subject: 'val.cleared@p1', kind: 'user', groups: [] });
    expect(cleared).toEqual([
      { group: 'clearance:il2', path: ['user val.cleared@p1', 'cleared directly for il2'] },
    ]);
  });

  it('keeps users and service accounts apart', () => {
    const service = membershipsOf(index, { subject: 'ci', kind: 'service', groups: [] });
    expect(service.map((membership) => membership.group).sort()).toEqual([
      'product:valkyrie:collaborator',
      'product:valkyrie:deployer',
      'product:valkyrie:developer',
    ]);
    expect(pathTo(service, 'product:valkyrie:deployer')).toEqual([
      'service account ci',
      'member #1 of product valkyrie',
    ]);
    expect(membershipsOf(index, { subject: 'ci', kind: 'user', groups: [] })).toEqual([]);
    // A service account is not a member of the declared group that lists the same name.
    expect(membershipsOf(index, { subject: 'val.viewer@p1', kind: 'service', groups: [] })).toEqual(
      [],
    );
  });

  it('gives the shortest path when a group is reachable twice', () => {
    const memberships = membershipsOf(index, {
      subject: 'val.viewer@p1',
      kind: 'user',
      groups: ['Platform-One/Products/Valkyrie/developer', 'platform-admins'],
    });
    expect(pathTo(memberships, 'product:valkyrie:collaborator')).toHaveLength(3);
    expect(pathTo(memberships, 'platform-admins')).toEqual([
      'user val.viewer@p1',
      "token carries IdP group 'platform-admins'",
      "IdP group 'platform-admins' is listed in platformAdmins.groups",
    ]);
  });
});

describe('indexTenancy', () => {
  it('maps pools to their product', () => {
    expect([...index.productOfPool]).toEqual([['valkyrie', 'valkyrie']]);
  });
});
