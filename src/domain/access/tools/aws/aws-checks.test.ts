import { describe, expect, it } from 'vitest';
import { exampleModel } from '../../../../../test/access-compiler/example-model.js';
import { checkAwsModel } from './aws-checks.js';
import { EXAMPLE_AWS, modelWith } from '../../../../../test/access-compiler/aws-test-helpers.js';

const app = (extra: Record<string, unknown> = {}): Record<string, unknown> => ({
  name: 'app',
  namespaces: ['app-dev'],
  repositories: ['org/app'],
  aws: { account: '333333333333', clusters: ['idp-dev'] },
  ...extra,
});

describe('checkAwsModel', () => {
  it('accepts the example model', () => {
    expect(checkAwsModel(exampleModel())).toEqual([]);
  });

  it('reports unknown clusters and duplicate cluster names', () => {
    const model = modelWith(
      { ...EXAMPLE_AWS, clusters: [...EXAMPLE_AWS.clusters, EXAMPLE_AWS.clusters[0]] },
      [app({ aws: { account: '333333333333', clusters: ['nope'] } })],
    );
    expect(checkAwsModel(model)).toEqual([
      { path: 'aws.clusters.2.name', message: "duplicate cluster 'idp-dev' (also aws.clusters.0)" },
      {
        path: 'organizations.0.products.0.aws.clusters.0',
        message: "unknown cluster 'nope'; declared: idp-dev, idp-prod",
      },
    ]);
  });

  it('reports products with aws settings but no top-level aws section', () => {
    const model = modelWith(undefined, [app()]);
    expect(checkAwsModel(model)).toEqual([
      {
        path: 'organizations.0.products.0.aws',
        message: 'needs the top-level aws settings (region, clusters, registry)',
      },
    ]);
  });

  it('reports shared secret and registry namespaces, and colliding repositories', () => {
    const model = modelWith(EXAMPLE_AWS, [
      app({
        secretsNamespace: 'shared',
        registryNamespace: 'idp',
        aws: { account: '333333333333', images: ['helm-charts'] },
      }),
      app({ name: 'other', secretsNamespace: 'shared', namespaces: [] }),
    ]);
    expect(checkAwsModel(model).map((problem) => problem.path)).toEqual([
      'organizations.0.products.0.aws.images.0',
      'organizations.0.products.1.secretsNamespace',
    ]);
  });

  it('reports role names IAM would reject and reserved product names', () => {
    const long = 'a'.repeat(40);
    const model = modelWith(
      { ...EXAMPLE_AWS, clusters: [{ name: long, account: '111111111111' }] },
      [app({ name: 'clusters', aws: { account: '333333333333', clusters: [long] } })],
    );
    expect(checkAwsModel(model).map((problem) => problem.message)).toEqual([
      "'clusters' is reserved for aws/terraform/clusters.tf.json",
      `IAM role name '${long}-clusters-namespace-admin' is longer than 64 characters`,
    ]);
  });

  it('reports images without a registry', () => {
    const model = modelWith({ region: 'eu-west-1' }, [
      app({ registryNamespace: 'app', aws: { account: '333333333333', images: ['api'] } }),
    ]);
    expect(checkAwsModel(model)).toEqual([
      {
        path: 'organizations.0.products.0.aws.images',
        message: 'images need aws.registry (the shared registry account)',
      },
    ]);
  });
});
