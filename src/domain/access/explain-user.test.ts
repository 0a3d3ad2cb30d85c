import { describe, expect, it } from 'vitest';
import { exampleModel } from '../../../test/access-compiler/example-model.js';
import { compileAccess } from './compile-access.js';
import { explainUser } from './explain-user.js';
import { whoCan } from './who-can.js';

const { graph, grants } = compileAccess(exampleModel());

describe('explainUser', () => {
  it('follows a push grant to the cloud roles the repository may assume', () => {
    const report = explainUser(graph, grants, 'koa.dev@jppol.example');
    const aws = report.grants.filter((grant) => grant.tool === 'aws');
    expect(aws.map((grant) => [grant.permission.split(' (')[0], grant.via])).toEqual(
      expect.arrayContaining([
        [
          'assume role arn:aws:iam::222222222222:role/koa-secrets',
          'may push to jppol-idp/apps-koa (push on jppol-idp/apps-koa)',
        ],
      ]),
    );
    expect(aws.every((grant) => grant.product === 'koa')).toBe(true);
  });

  it('gives a collaborator (pull only) no cloud role', () => {
    const report = explainUser(graph, grants, 'koa.reader@jppol.example');
    expect(report.grants.some((grant) => grant.tool === 'github' && grant.level === 'read')).toBe(
      true,
    );
    expect(report.grants.filter((grant) => grant.tool === 'aws')).toEqual([]);
  });

  it('names the declared group that makes a user a Valkyrie developer', () => {
    const report = explainUser(graph, grants, 'val.dev@p1.example.mil');
    expect(report.roles).toEqual([
      {
        product: 'valkyrie',
        role: 'developer',
        because:
          "member of IdP group 'Platform-One/Products/Valkyrie/developer', which is valkyrie's developer group by platform-one's naming convention; not cleared for il2, so the product's tools do not bind them",
      },
    ]);
  });
});

describe('whoCan', () => {
  it('counts product-wide grants for a namespace of the product, and higher levels', () => {
    const answer = whoCan(graph, grants, { tool: 'kubernetes', level: 'read', namespace: 'edp' });
    expect(answer.product).toBe('edp');
    expect(answer.groups.map((group) => group.name)).toEqual([
      'edp-oidc-admins',
      'edp-oidc-builders',
      'edp-oidc-deployers',
      'edp-oidc-developers',
      'edp-oidc-viewers',
    ]);
    const admins = whoCan(graph, grants, { tool: 'kubernetes', level: 'admin', namespace: 'edp' });
    expect(admins.groups.map((group) => group.name)).toEqual(['edp-oidc-admins']);
    expect(admins.users).toEqual(['olena@edp.example']);
  });

  it('answers nobody for a namespace no product owns', () => {
    const answer = whoCan(graph, grants, { tool: 'argocd', level: 'read', namespace: 'nowhere' });
    expect(answer).toMatchObject({ product: undefined, users: [], groups: [], others: [] });
  });
});
