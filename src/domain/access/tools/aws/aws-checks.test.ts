import { describe, expect, it } from 'vitest';
import { exampleModel } from '../../../../../test/access-compiler/example-model.js';
import { checkAwsNames } from './aws-checks.js';
import { EXAMPLE_AWS, modelWith } from '../../../../../test/access-compiler/aws-test-helpers.js';

const app = (extra: Record<string, unknown> = {}): Record<string, unknown> => ({
  name: 'app',
  namespaces: ['app-dev'],
  repositories: ['org/app'],
  aws: { account: '333333333333', clusters: ['idp-dev'] },
  ...extra,
});

describe('checkAwsNames', () => {
  it('accepts the example model', () => {
    expect(checkAwsNames(exampleModel())).toEqual([]);
  });

  it('reports repositories whose policy files would collide', () => {
    const model = modelWith(EXAMPLE_AWS, [
      app({
        registryNamespace: 'idp',
        aws: { account: '333333333333', images: ['helm-charts'] },
      }),
    ]);
    expect(checkAwsNames(model)).toEqual([
      {
        path: 'organizations.0.products.0.aws.images.0',
        message:
          "repository 'idp/helm-charts' would share aws/ecr/idp-helm-charts.policy.json with aws.registry.shared.0",
      },
    ]);
  });

  it('reports role names IAM would reject and reserved product names', () => {
    const long = 'a'.repeat(40);
    const model = modelWith(
      { ...EXAMPLE_AWS, clusters: [{ name: long, account: '111111111111' }] },
      [app({ name: 'clusters', aws: { account: '333333333333', clusters: [long] } })],
    );
    expect(checkAwsNames(model).map((problem) => problem.message)).toEqual([
      "'clusters' is reserved for aws/terraform/clusters.tf.json; rename the product",
      `IAM role name '${long}-clusters-namespace-admin' is longer than 64 characters`,
    ]);
  });
});
