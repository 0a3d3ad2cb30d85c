import { describe, expect, it } from 'vitest';
import {
  exampleOutput,
  jsonOf,
  compileModel,
  modelWith,
  EXAMPLE_AWS,
} from '../../../../../test/access-compiler/aws-test-helpers.js';
import type { PolicyDocument } from './iam-documents.js';

const HOST = 'token.actions.githubusercontent.com';

describe('Secrets Manager roles (seed 000)', () => {
  const output = exampleOutput();

  it('trusts GitHub Actions of exactly the listed repositories, with the AWS audience', () => {
    const trust = jsonOf(output, 'aws/iam/koa-secrets.trust.json') as unknown as PolicyDocument;
    expect(trust.Statement).toEqual([
      {
        Sid: 'GitHubActions',
        Effect: 'Allow',
        Principal: { Federated: `arn:aws:iam::222222222222:oidc-provider/${HOST}` },
        Action: 'sts:AssumeRoleWithWebIdentity',
        Condition: {
          StringEquals: { [`${HOST}:aud`]: 'sts.amazonaws.com' },
          StringLike: { [`${HOST}:sub`]: ['repo:jppol-idp/apps-koa:*'] },
        },
      },
    ]);
  });

  it('allows secret actions only under customer/<secretsNamespace>/*, and never ListSecrets', () => {
    const policy = jsonOf(output, 'aws/iam/koa-secrets.policy.json') as unknown as PolicyDocument;
    expect(policy.Statement).toHaveLength(1);
    const [statement] = policy.Statement;
    expect(statement?.Resource).toBe(
      'arn:aws:secretsmanager:eu-west-1:222222222222:secret:customer/koa/*',
    );
    expect(statement?.Action).toEqual(
      expect.arrayContaining([
        'secretsmanager:CreateSecret',
        'secretsmanager:PutSecretValue',
        'secretsmanager:GetSecretValue',
        'secretsmanager:DeleteSecret',
      ]),
    );
    expect(statement?.Action).not.toContain('secretsmanager:ListSecrets');
    expect(JSON.stringify(policy)).not.toContain('customer/ai');
  });

  it('grants each listed repository write through the role', () => {
    const grants = output.grants.filter((grant) => grant.permission.includes('(secrets '));
    expect(grants).toEqual([
      {
        tool: 'aws',
        subject: { kind: 'repository', name: 'jppol-idp/apps-ai' },
        permission: 'assume role arn:aws:iam::222222222222:role/ai-secrets (secrets customer/ai/*)',
        level: 'write',
        product: 'ai',
        file: 'aws/iam/ai-secrets.trust.json',
      },
      {
        tool: 'aws',
        subject: { kind: 'repository', name: 'jppol-idp/apps-koa' },
        permission:
          'assume role arn:aws:iam::222222222222:role/koa-secrets (secrets customer/koa/*)',
        level: 'write',
        product: 'koa',
        file: 'aws/iam/koa-secrets.trust.json',
      },
    ]);
  });

  it('sorts several repositories and creates no role for a product without any', () => {
    const model = modelWith(EXAMPLE_AWS, [
      {
        name: 'many',
        repositories: ['org/zeta', 'org/alpha'],
        secretsNamespace: 'many',
        aws: { account: '333333333333' },
      },
      { name: 'none', secretsNamespace: 'none', aws: { account: '333333333333' } },
    ]);
    const compiled = compileModel(model);
    const trust = jsonOf(compiled, 'aws/iam/many-secrets.trust.json') as unknown as PolicyDocument;
    expect(trust.Statement[0]?.Condition?.StringLike).toEqual({
      [`${HOST}:sub`]: ['repo:org/alpha:*', 'repo:org/zeta:*'],
    });
    expect(compiled.files.some((file) => file.path.includes('none-secrets'))).toBe(false);
  });

  it('uses the configured GitHub OIDC host in the principal and the condition keys', () => {
    const model = modelWith({ ...EXAMPLE_AWS, githubOidcHost: 'ghe.example.com/_services/token' }, [
      {
        name: 'ent',
        repositories: ['org/app'],
        secretsNamespace: 'ent',
        aws: { account: '333333333333' },
      },
    ]);
    const trust = jsonOf(
      compileModel(model),
      'aws/iam/ent-secrets.trust.json',
    ) as unknown as PolicyDocument;
    expect(JSON.stringify(trust)).toContain('oidc-provider/ghe.example.com/_services/token"');
    expect(trust.Statement[0]?.Condition?.StringEquals).toEqual({
      'ghe.example.com/_services/token:aud': 'sts.amazonaws.com',
    });
  });
});
