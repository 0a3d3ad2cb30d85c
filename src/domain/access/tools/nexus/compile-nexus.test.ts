import { loadAll } from 'js-yaml';
import { describe, expect, it } from 'vitest';
import { exampleModel } from '../../../../../test/access-compiler/example-model.js';
import { tenancySchema } from '../../../tenancy/tenancy-schema.js';
import { compileAccessGraph } from '../../access-graph.js';
import type { ToolOutput } from '../../access-output.js';
import { objectName } from '../../../shared/object-name.js';
import { compileNexus, nexusProxyPath, nexusUsersPath } from './compile-nexus.js';
import {
  nexusUserSchema,
  nexusUserV1Alpha1Schema,
  nexusUserV2Schema,
  type NexusUser,
} from './nexus-user-schema.js';

const users = (output: ToolOutput, nexus = 'nexus'): NexusUser[] => {
  const file = output.files.find((candidate) => candidate.path === nexusUsersPath(nexus));
  return loadAll(file?.content ?? '').map((object) => nexusUserSchema.parse(object));
};
const userId = (user: NexusUser): string =>
  user.apiVersion === 'v2.edp.epam.com/v1' ? user.spec.userId : user.spec.id;

describe('compileNexus on examples/tenancy.yaml', () => {
  const output = compileNexus(compileAccessGraph(exampleModel()));

  it('writes a valid edp.epam.com/v1alpha1 NexusUser with edp-admin for each edp developer', () => {
    expect(output.files.map((file) => file.path)).toEqual([
      'nexus/nexus/users.yaml',
      'nexus/nexus/oauth2-proxy.cfg',
    ]);
    const [olena, taras, ...others] = users(output);
    const name = objectName(['olena@edp.example']);
    expect(olena).toEqual({
      apiVersion: 'edp.epam.com/v1alpha1',
      kind: 'NexusUser',
      metadata: { name },
      spec: {
        id: 'olena@edp.example',
        firstName: 'Olena',
        lastName: 'Kovalenko',
        email: 'olena@edp.example',
        secret: `$nexus-user-${name}:password`,
        roles: ['edp-admin'],
        nexusRef: { name: 'nexus', kind: 'Nexus' },
        status: 'active',
      },
    });
    expect([taras && userId(taras), taras?.spec.roles, others]).toEqual([
      'taras@edp.example',
      ['edp-admin'],
      [],
    ]);
  });

  it('never gives nx-admin', () => {
    expect(output.files.some((file) => file.content.includes('nx-admin'))).toBe(false);
  });

  it('lets only the seed’s realm roles through OAuth2-Proxy', () => {
    const proxy = output.files.find((file) => file.path === nexusProxyPath('nexus'))?.content;
    expect(proxy).toMatch(/^allowed_roles = \["administrator", "developer"\]$/m);
  });

  it('grants each user per product', () => {
    expect(output.grants).toEqual(
      ['olena@edp.example', 'taras@edp.example'].map((name) => ({
        tool: 'nexus',
        subject: { kind: 'user', name },
        permission: 'edp-admin',
        level: 'write',
        product: 'edp',
        file: 'nexus/nexus/users.yaml',
      })),
    );
  });

  it('is deterministic', () => {
    expect(compileNexus(compileAccessGraph(exampleModel()))).toEqual(output);
  });
});

describe('compileNexus on a small model', () => {
  const model = tenancySchema.parse({
    users: [
      { name: 'ann', email: 'ann@acme.example', firstName: 'Ann', lastName: 'Lee' },
      { name: 'bob', email: 'bob.smith@acme.example' },
      { name: 'cy', email: 'cy@acme.example' },
      { name: 'dee' },
    ],
    organizations: [
      {
        name: 'acme',
        kuberocketci: {
          apiVersion: 'v2.edp.epam.com/v1',
          nexus: 'acme-nexus',
        },
        products: [
          {
            name: 'web',
            tools: { nexus: ['read'] },
            members: [
              { user: 'ann', role: 'collaborator' },
              { user: 'bob', role: 'developer' },
              { user: 'dee', role: 'developer' },
            ],
          },
          {
            name: 'shop',
            customerAdmin: true,
            tools: { nexus: ['write'] },
            members: [
              { user: 'bob', role: 'developer' },
              { user: 'cy', role: 'collaborator', admin: true },
            ],
          },
        ],
      },
      {
        name: 'beta',
        kuberocketci: { nexusUserSecret: { name: 'nx-{user}-pw', key: 'pw' } },
        products: [
          {
            name: 'api',
            tools: { nexus: ['write'] },
            members: [{ user: 'ann', role: 'developer' }],
          },
        ],
      },
    ],
  });
  const output = compileNexus(compileAccessGraph(model));

  it('writes one user per person and Nexus, with the strongest role of its products', () => {
    expect(output.files.map((file) => file.path)).toEqual([
      'nexus/acme-nexus/users.yaml',
      'nexus/acme-nexus/oauth2-proxy.cfg',
      'nexus/nexus/users.yaml',
      'nexus/nexus/oauth2-proxy.cfg',
    ]);
    expect(users(output, 'acme-nexus').map((user) => [userId(user), user.spec.roles])).toEqual([
      ['ann', ['edp-viewer']],
      ['bob', ['edp-admin']],
      ['cy', ['edp-admin']],
    ]);
    expect(users(output).map((user) => [userId(user), user.spec.roles])).toEqual([
      ['ann', ['edp-admin']],
    ]);
  });

  it('fills each generation’s references and names from the model', () => {
    const [ann] = users(output, 'acme-nexus');
    expect(nexusUserV2Schema.parse(ann).spec).toMatchObject({
      ownerName: 'acme-nexus',
      firstName: 'Ann',
      lastName: 'Lee',
      userId: 'ann',
    });
    const [current] = users(output);
    expect(nexusUserV1Alpha1Schema.parse(current).spec).toMatchObject({
      id: 'ann',
      firstName: 'Ann',
      lastName: 'Lee',
      email: 'ann@acme.example',
      secret: `$nx-${objectName(['ann'])}-pw:pw`,
      nexusRef: { name: 'nexus', kind: 'Nexus' },
    });
  });

  it('falls back to the halves of the e-mail where the directory has no names', () => {
    const bob = users(output, 'acme-nexus').find((user) => userId(user) === 'bob');
    expect(bob?.spec).toMatchObject({ firstName: 'bob.smith', lastName: 'acme.example' });
  });

  it('grants per product, and leaves out people without an e-mail', () => {
    expect(output.grants.map((g) => [g.product, g.subject.name, g.permission, g.file])).toEqual([
      ['web', 'ann', 'edp-viewer', 'nexus/acme-nexus/users.yaml'],
      ['web', 'bob', 'edp-viewer', 'nexus/acme-nexus/users.yaml'],
      ['shop', 'bob', 'edp-admin', 'nexus/acme-nexus/users.yaml'],
      ['shop', 'cy', 'edp-admin', 'nexus/acme-nexus/users.yaml'],
      ['api', 'ann', 'edp-admin', 'nexus/nexus/users.yaml'],
    ]);
  });

  it('writes nothing when no product lists Nexus', () => {
    const none = compileNexus(compileAccessGraph(tenancySchema.parse({})));
    expect(none).toEqual({ tool: 'nexus', files: [], grants: [] });
  });
});

describe('nexusUserSchema', () => {
  const [user] = users(compileNexus(compileAccessGraph(exampleModel())));
  if (user?.apiVersion !== 'edp.epam.com/v1alpha1') throw new Error('no v1alpha1 user');

  it('rejects a broken v1alpha1 user', () => {
    const broken = [
      { ...user, kind: 'NexusUsers' },
      { ...user, apiVersion: 'v2.edp.epam.com/v1' },
      { ...user, spec: { ...user.spec, roles: ['developer'] } },
      { ...user, spec: { ...user.spec, roles: [] } },
      { ...user, spec: { ...user.spec, id: undefined } },
      { ...user, spec: { ...user.spec, nexusRef: undefined } },
      { ...user, spec: { ...user.spec, secret: 'nexus-user:password' } },
      { ...user, spec: { ...user.spec, userId: 'olena' } },
      { ...user, metadata: { name: 'olena@edp.example' } },
    ];
    for (const object of broken) expect(nexusUserSchema.safeParse(object).success).toBe(false);
  });

  it('rejects a broken v2 user', () => {
    const { id, secret, nexusRef, ...rest } = user.spec;
    const v2 = nexusUserV2Schema.parse({
      ...user,
      apiVersion: 'v2.edp.epam.com/v1',
      spec: { ...rest, userId: id, ownerName: nexusRef.name, status: 'active' },
    });
    const broken = [
      { ...v2, spec: { ...v2.spec, secret } },
      { ...v2, spec: { ...v2.spec, ownerName: undefined } },
      { ...v2, spec: { ...v2.spec, status: undefined } },
    ];
    for (const object of broken) expect(nexusUserSchema.safeParse(object).success).toBe(false);
  });
});
