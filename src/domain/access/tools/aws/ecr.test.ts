import { describe, expect, it } from 'vitest';
import {
  EXAMPLE_AWS,
  compileModel,
  exampleOutput,
  jsonOf,
  modelWith,
} from '../../../../../test/access-compiler/aws-test-helpers.js';
import type { PolicyDocument } from './iam-documents.js';

const PULL = ['ecr:BatchCheckLayerAvailability', 'ecr:BatchGetImage', 'ecr:GetDownloadUrlForLayer'];
const root = (account: string): string => `arn:aws:iam::${account}:root`;

function policy(path: string, output = exampleOutput()): PolicyDocument {
  return jsonOf(output, path) as unknown as PolicyDocument;
}

describe('ECR in the shared registry (seed 000)', () => {
  const output = exampleOutput();

  it('lets the product account and its pull accounts pull, and nothing more', () => {
    expect(policy('aws/ecr/koa-api.policy.json', output).Statement).toEqual([
      {
        Sid: 'PullFromListedAccounts',
        Effect: 'Allow',
        Principal: { AWS: [root('111111111111'), root('222222222222')] },
        Action: PULL,
      },
    ]);
    expect(policy('aws/ecr/ai-model-server.policy.json', output).Statement[0]?.Principal).toEqual({
      AWS: [root('222222222222')],
    });
  });

  it('lets every account the model names pull the shared repositories', () => {
    const shared = policy('aws/ecr/idp-helm-charts.policy.json', output).Statement[0];
    expect(shared?.Principal).toEqual({ AWS: [root('111111111111'), root('222222222222')] });
    expect(shared?.Action).toEqual(PULL);
    expect(output.grants.filter((grant) => grant.permission === 'pull idp/helm-charts')).toEqual([
      {
        tool: 'aws',
        subject: { kind: 'group', name: 'aws-account:111111111111' },
        permission: 'pull idp/helm-charts',
        level: 'read',
        file: 'aws/ecr/idp-helm-charts.policy.json',
      },
      {
        tool: 'aws',
        subject: { kind: 'group', name: 'aws-account:222222222222' },
        permission: 'pull idp/helm-charts',
        level: 'read',
        file: 'aws/ecr/idp-helm-charts.policy.json',
      },
    ]);
  });

  it('declares one repository per image under the registry namespace', () => {
    const koa = jsonOf(output, 'aws/terraform/koa.tf.json') as {
      resource: Record<string, Record<string, Record<string, unknown>>>;
    };
    expect(Object.values(koa.resource.aws_ecr_repository ?? {}).map((repo) => repo.name)).toEqual([
      'koa/api',
      'koa/web',
    ]);
    expect(koa.resource.aws_ecr_repository_policy?.koa__api).toEqual({
      provider: 'aws.a354918371398',
      repository: '${aws_ecr_repository.koa__api.name}',
      policy: '${file("${path.module}/../ecr/koa-api.policy.json")}',
    });
  });

  it('has a push role in the registry account, trusted by the team repositories only', () => {
    const trust = policy('aws/iam/koa-ecr-push.trust.json', output).Statement[0];
    expect(trust?.Principal).toEqual({
      Federated: 'arn:aws:iam::354918371398:oidc-provider/token.actions.githubusercontent.com',
    });
    expect(trust?.Condition).toEqual({
      StringEquals: { 'token.actions.githubusercontent.com:aud': 'sts.amazonaws.com' },
      StringLike: { 'token.actions.githubusercontent.com:sub': ['repo:jppol-idp/apps-koa:*'] },
    });
    const [push, login] = policy('aws/iam/koa-ecr-push.policy.json', output).Statement;
    expect(push?.Resource).toBe('arn:aws:ecr:eu-west-1:354918371398:repository/koa/*');
    expect(push?.Action).toEqual(expect.arrayContaining(['ecr:PutImage', 'ecr:UploadLayerPart']));
    expect(login).toMatchObject({ Action: 'ecr:GetAuthorizationToken', Resource: '*' });
  });

  it('uses the registry region for ARNs and its own provider alias', () => {
    const model = modelWith(
      { ...EXAMPLE_AWS, registry: { account: '354918371398', region: 'eu-central-1' } },
      [
        {
          name: 'app',
          repositories: ['org/app'],
          registryNamespace: 'app',
          aws: { account: '333333333333', images: ['api'] },
        },
      ],
    );
    const compiled = compileModel(model);
    expect(policy('aws/iam/app-ecr-push.policy.json', compiled).Statement[0]?.Resource).toBe(
      'arn:aws:ecr:eu-central-1:354918371398:repository/app/*',
    );
    const app = jsonOf(compiled, 'aws/terraform/app.tf.json') as {
      resource: Record<string, Record<string, Record<string, unknown>>>;
    };
    expect(app.resource.aws_ecr_repository?.app__api?.provider).toBe(
      'aws.a354918371398_eu_central_1',
    );
  });

  it('refuses images without a registry to put them in', () => {
    const model = modelWith({ region: 'eu-west-1' }, [
      { name: 'app', registryNamespace: 'app', aws: { account: '333333333333', images: ['api'] } },
    ]);
    expect(() => compileModel(model)).toThrow(TypeError);
  });
});

describe('shared repositories in a model that names no account', () => {
  it('are created without a repository policy', () => {
    const compiled = compileModel(modelWith({ ...EXAMPLE_AWS, clusters: [] }, []));
    expect(compiled.files.map((file) => file.path)).toEqual([
      'aws/README.md',
      'aws/terraform/accounts.tf.json',
      'aws/terraform/clusters.tf.json',
    ]);
    expect(compiled.files[2]?.content).not.toContain('aws_ecr_repository_policy');
    expect(compiled.grants).toEqual([]);
  });
});
