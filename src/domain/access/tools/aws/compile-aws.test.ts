import { describe, expect, it } from 'vitest';
import { exampleModel } from '../../../../../test/access-compiler/example-model.js';
import {
  compileModel,
  exampleOutput,
  fileOf,
} from '../../../../../test/access-compiler/aws-test-helpers.js';
import type { PolicyDocument } from './iam-documents.js';

describe('compileAws', () => {
  const output = exampleOutput();

  it('writes nothing without the aws settings', () => {
    const { aws: _aws, ...model } = exampleModel();
    expect(compileModel(model)).toEqual({ tool: 'aws', files: [], grants: [] });
  });

  it('writes the layout: role documents, ECR policies, Terraform, aws-auth and README', () => {
    expect(output.files.map((file) => file.path)).toEqual([
      'aws/README.md',
      'aws/ecr/ai-model-server.policy.json',
      'aws/ecr/idp-helm-charts.policy.json',
      'aws/ecr/koa-api.policy.json',
      'aws/ecr/koa-web.policy.json',
      'aws/eks/idp-prod/aws-auth.yaml',
      ...[
        'ai-ecr-push',
        'ai-secrets',
        'idp-dev-cluster-admin',
        'idp-dev-koa-namespace-admin',
        'idp-prod-ai-namespace-admin',
        'idp-prod-cluster-admin',
        'idp-prod-koa-namespace-admin',
        'koa-ecr-push',
        'koa-secrets',
      ].flatMap((role) => [`aws/iam/${role}.policy.json`, `aws/iam/${role}.trust.json`]),
      'aws/terraform/accounts.tf.json',
      'aws/terraform/ai.tf.json',
      'aws/terraform/clusters.tf.json',
      'aws/terraform/koa.tf.json',
    ]);
    for (const file of output.files) expect(file.objects.length).toBeGreaterThan(0);
  });

  it("grants `*` in no IAM document except for ECR's registry login", () => {
    const documents = output.files.filter(
      (file) => /^aws\/(iam|ecr)\//.test(file.path) && file.path.endsWith('.json'),
    );
    for (const file of documents) {
      const document = JSON.parse(file.content) as PolicyDocument;
      for (const statement of document.Statement)
        if ([statement.Resource ?? []].flat().includes('*'))
          expect(statement.Action, file.path).toBe('ecr:GetAuthorizationToken');
      expect(JSON.stringify(document)).not.toMatch(/"Action":\s*"\w+:\*"/);
    }
  });

  it('is deterministic and independent of the order products are listed in', () => {
    expect(exampleOutput()).toEqual(output);
    const model = exampleModel();
    const reversed = {
      ...model,
      organizations: model.organizations.map((organization) => ({
        ...organization,
        products: [...organization.products].reverse(),
      })),
    };
    const again = compileModel(reversed);
    expect(again.files).toEqual(output.files);
    expect(again.grants).toEqual(output.grants);
  });

  it('documents how to get a kubeconfig for every role, and who may assume the others', () => {
    const readme = fileOf(output, 'aws/README.md').content;
    for (const [cluster, account, role] of [
      ['idp-dev', '111111111111', 'idp-dev-cluster-admin'],
      ['idp-dev', '111111111111', 'idp-dev-koa-namespace-admin'],
      ['idp-prod', '222222222222', 'idp-prod-cluster-admin'],
      ['idp-prod', '222222222222', 'idp-prod-ai-namespace-admin'],
      ['idp-prod', '222222222222', 'idp-prod-koa-namespace-admin'],
    ] as const)
      expect(readme).toContain(
        `aws eks update-kubeconfig --region eu-west-1 --name ${cluster} --role-arn arn:aws:iam::${account}:role/${role}\n`,
      );
    expect(readme).toContain(
      '| koa | `arn:aws:iam::222222222222:role/koa-secrets` | `customer/koa/*` | `jppol-idp/apps-koa` |',
    );
    expect(readme).toContain(
      '| koa | `arn:aws:iam::354918371398:role/koa-ecr-push` | `koa/*` | `jppol-idp/apps-koa` |',
    );
    expect(readme).toContain('administrators can grant access for users to assume');
    expect(readme.endsWith('\n')).toBe(true);
  });

  it('labels every grant with the aws tool and a generated file', () => {
    const paths = new Set(output.files.map((file) => file.path));
    for (const grant of output.grants) {
      expect(grant.tool).toBe('aws');
      expect(paths).toContain(grant.file);
    }
  });
});
