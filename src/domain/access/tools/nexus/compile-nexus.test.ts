import { loadAll } from 'js-yaml';
import { describe, expect, it } from 'vitest';
import { exampleModel } from '../../../../../test/access-compiler/example-model.js';
import { tenancySchema } from '../../../tenancy/tenancy-schema.js';
import { compileAccessGraph } from '../../access-graph.js';
import type { ToolOutput } from '../../access-output.js';
import { objectName } from '../shared/object-name.js';
import { NEXUS_PROXY_PATH, NEXUS_USERS_PATH, compileNexus } from './compile-nexus.js';
import { nexusUserSchema, type NexusUser } from './nexus-user-schema.js';

const users = (output: ToolOutput): NexusUser[] => {
  const file = output.files.find((candidate) => candidate.path === NEXUS_USERS_PATH);
  return loadAll(file?.content ?? '').map((object) => nexusUserSchema.parse(object));
};

describe('compileNexus on examples/tenancy.yaml', () => {
  const output = compileNexus(compileAccessGraph(exampleModel()));

  it('writes a valid NexusUser with edp-admin for each edp developer', () => {
    expect(output.files.map((file) => file.path)).toEqual([NEXUS_USERS_PATH, NEXUS_PROXY_PATH]);
    const [olena, taras, ...others] = users(output);
    expect(olena).toEqual({
      apiVersion: 'v2.edp.epam.com/v1',
      kind: 'NexusUser',
      metadata: { name: objectName(['olena@edp.example']) },
      spec: {
        ownerName: 'nexus',
        firstName: 'olena',
        lastName: 'edp.example',
        email: 'olena@edp.example',
        userId: 'olena@edp.example',
        roles: ['edp-admin'],
        status: 'active',
      },
    });
    expect([taras?.spec.userId, taras?.spec.roles, others]).toEqual([
      'taras@edp.example',
      ['edp-admin'],
      [],
    ]);
  });

  it('never gives nx-admin', () => {
    expect(output.files.some((file) => file.content.includes('nx-admin'))).toBe(false);
  });

  it('lets only the seed’s realm roles through OAuth2-Proxy', () => {
    const proxy = output.files.find((file) => file.path === NEXUS_PROXY_PATH)?.content ?? '';
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
        file: NEXUS_USERS_PATH,
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
      { name: 'ann', email: 'ann@acme.example' },
      { name: 'bob', email: 'bob.smith@acme.example' },
      { name: 'cy', email: 'cy@acme.example' },
      { name: 'dee' },
    ],
    organizations: [
      {
        name: 'acme',
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
    ],
  });
  const output = compileNexus(compileAccessGraph(model));

  it('writes one user per person with the strongest role of all products', () => {
    expect(users(output).map((user) => [user.spec.userId, user.spec.roles])).toEqual([
      ['ann', ['edp-viewer']],
      ['bob', ['edp-admin']],
      ['cy', ['edp-admin']],
    ]);
  });

  it('grants per product, and leaves out people without an e-mail', () => {
    expect(output.grants.map((g) => [g.product, g.subject.name, g.permission, g.level])).toEqual([
      ['web', 'ann', 'edp-viewer', 'read'],
      ['web', 'bob', 'edp-viewer', 'read'],
      ['shop', 'bob', 'edp-admin', 'write'],
      ['shop', 'cy', 'edp-admin', 'write'],
    ]);
  });

  it('writes nothing when no product lists Nexus', () => {
    const none = compileNexus(compileAccessGraph(tenancySchema.parse({})));
    expect(none).toEqual({ tool: 'nexus', files: [], grants: [] });
  });
});

describe('nexusUserSchema', () => {
  it('rejects a broken user', () => {
    const [user] = users(compileNexus(compileAccessGraph(exampleModel())));
    if (!user) throw new Error('no user');
    const broken = [
      { ...user, kind: 'NexusUsers' },
      { ...user, spec: { ...user.spec, roles: ['developer'] } },
      { ...user, spec: { ...user.spec, roles: [] } },
      { ...user, spec: { ...user.spec, secret: '$s:password' } },
      { ...user, spec: { ...user.spec, lastName: undefined } },
      { ...user, metadata: { name: 'olena@edp.example' } },
    ];
    for (const object of broken) expect(nexusUserSchema.safeParse(object).success).toBe(false);
  });
});
