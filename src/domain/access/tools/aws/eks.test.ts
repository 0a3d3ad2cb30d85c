import { loadAll, load } from 'js-yaml';
import { ConfigMap } from 'kubernetes-models/v1';
import { RoleBinding } from 'kubernetes-models/rbac.authorization.k8s.io/v1';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  EXAMPLE_AWS,
  compileModel,
  exampleOutput,
  fileOf,
  jsonOf,
  modelWith,
} from '../../../../../test/access-compiler/aws-test-helpers.js';
import type { PolicyDocument } from './iam-documents.js';

type Resources = Record<string, Record<string, Record<string, unknown>>>;
const resources = (path: string, output = exampleOutput()): Resources =>
  (jsonOf(output, path) as { resource: Resources }).resource;

/** examples/tenancy.yaml: koa's namespaces per cluster. */
const KOA_ON = { 'idp-dev': ['koa-dev', 'koa-test'], 'idp-prod': ['koa-prod'] } as const;

describe('EKS access (seed 002)', () => {
  const output = exampleOutput();

  it('gives each cluster a cluster-admin role with the cluster admin policy, cluster scope', () => {
    const clusters = resources('aws/terraform/clusters.tf.json', output);
    expect(Object.keys(clusters.aws_iam_role ?? {})).toEqual([
      'idp-dev-cluster-admin',
      'idp-prod-cluster-admin',
    ]);
    expect(clusters.aws_eks_access_policy_association?.['idp-prod-cluster-admin']).toEqual({
      provider: 'aws.a222222222222',
      cluster_name: 'idp-prod',
      principal_arn: '${aws_eks_access_entry.idp-prod-cluster-admin.principal_arn}',
      policy_arn: 'arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy',
      access_scope: { type: 'cluster' },
    });
    expect(clusters.aws_eks_access_entry?.['idp-dev-cluster-admin']).toEqual({
      provider: 'aws.a111111111111',
      cluster_name: 'idp-dev',
      principal_arn: '${aws_iam_role.idp-dev-cluster-admin.arn}',
      type: 'STANDARD',
    });
  });

  it('limits each product role to its namespaces on each cluster it lists', () => {
    const koa = resources('aws/terraform/koa.tf.json', output);
    const associations = koa.aws_eks_access_policy_association ?? {};
    expect(Object.keys(associations)).toEqual([
      'idp-dev-koa-namespace-admin',
      'idp-prod-koa-namespace-admin',
    ]);
    for (const [cluster, namespaces] of Object.entries(KOA_ON)) {
      const association = associations[`${cluster}-koa-namespace-admin`];
      expect(association?.cluster_name).toBe(cluster);
      expect(association?.policy_arn).toBe(
        'arn:aws:eks::aws:cluster-access-policy/AmazonEKSAdminPolicy',
      );
      expect(association?.access_scope).toEqual({ type: 'namespace', namespaces });
    }
    // ai lists only idp-prod.
    expect(
      Object.keys(resources('aws/terraform/ai.tf.json', output).aws_eks_access_entry ?? {}),
    ).toEqual(['idp-prod-ai-namespace-admin']);
  });

  it('has the roles trust their cluster account, whose administrators delegate', () => {
    const trust = jsonOf(
      output,
      'aws/iam/idp-dev-koa-namespace-admin.trust.json',
    ) as unknown as PolicyDocument;
    expect(trust.Statement).toEqual([
      {
        Sid: 'AccountAdministratorsDelegate',
        Effect: 'Allow',
        Principal: { AWS: 'arn:aws:iam::111111111111:root' },
        Action: 'sts:AssumeRole',
      },
    ]);
    const policy = jsonOf(
      output,
      'aws/iam/idp-prod-cluster-admin.policy.json',
    ) as unknown as PolicyDocument;
    expect(policy.Statement[0]?.Resource).toBe(
      'arn:aws:eks:eu-west-1:222222222222:cluster/idp-prod',
    );
  });

  it('writes aws-auth only for clusters that use it, mapping both levels', () => {
    expect(output.files.some((file) => file.path === 'aws/eks/idp-dev/aws-auth.yaml')).toBe(false);
    const documents = loadAll(fileOf(output, 'aws/eks/idp-prod/aws-auth.yaml').content) as {
      kind: string;
      metadata: { name: string; namespace: string };
      data?: { mapRoles: string };
    }[];
    const [configMap, ...bindings] = documents;
    expect(configMap?.metadata).toEqual({ name: 'aws-auth', namespace: 'kube-system' });
    expect(load(configMap?.data?.mapRoles ?? '')).toEqual([
      {
        rolearn: 'arn:aws:iam::222222222222:role/idp-prod-cluster-admin',
        username: 'idp-prod-cluster-admin:{{SessionName}}',
        groups: ['system:masters'],
      },
      {
        rolearn: 'arn:aws:iam::222222222222:role/idp-prod-ai-namespace-admin',
        username: 'idp-prod-ai-namespace-admin:{{SessionName}}',
        groups: ['ai-namespace-admins'],
      },
      {
        rolearn: 'arn:aws:iam::222222222222:role/idp-prod-koa-namespace-admin',
        username: 'idp-prod-koa-namespace-admin:{{SessionName}}',
        groups: ['koa-namespace-admins'],
      },
    ]);
    expect(
      bindings.map((binding) => `${binding.metadata.namespace}/${binding.metadata.name}`),
    ).toEqual([
      'ai-prod/ai-namespace-admins',
      'ai-test/ai-namespace-admins',
      // koa-dev and koa-test run on idp-dev, which does not use aws-auth.
      'koa-prod/koa-namespace-admins',
    ]);
  });

  it('writes Kubernetes objects that pass the schema, which rejects a broken one', () => {
    const documents = loadAll(fileOf(output, 'aws/eks/idp-prod/aws-auth.yaml').content) as {
      kind: string;
    }[];
    for (const document of documents) {
      // Rebuilt from the parsed YAML, so what is checked is what the file says.
      const { apiVersion: _a, kind, ...data } = document as Record<string, unknown>;
      const object = kind === 'ConfigMap' ? new ConfigMap(data) : new RoleBinding(data as never);
      expect(() => object.validate()).not.toThrow();
    }
    const broken = new RoleBinding({
      metadata: { name: 'x', namespace: 'koa-dev' },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole' } as never,
    });
    expect(() => broken.validate()).toThrow();
  });

  it('grants each role admin per namespace, per mechanism', () => {
    const arn = 'arn:aws:iam::222222222222:role/idp-prod-koa-namespace-admin';
    const koaProd = output.grants.filter(
      (grant) => grant.subject.name === `iam-role:${arn}` && grant.namespace === 'koa-prod',
    );
    expect(koaProd).toEqual([
      {
        tool: 'aws',
        subject: { kind: 'group', name: `iam-role:${arn}` },
        permission: 'ClusterRole admin on namespace koa-prod (aws-auth group koa-namespace-admins)',
        level: 'admin',
        product: 'koa',
        namespace: 'koa-prod',
        cluster: 'idp-prod',
        file: 'aws/eks/idp-prod/aws-auth.yaml',
      },
      {
        tool: 'aws',
        subject: { kind: 'group', name: `iam-role:${arn}` },
        permission: 'AmazonEKSAdminPolicy on namespace koa-prod',
        level: 'admin',
        product: 'koa',
        namespace: 'koa-prod',
        cluster: 'idp-prod',
        file: 'aws/terraform/koa.tf.json',
      },
    ]);
    // Each cluster's role reaches only the namespaces that run there.
    const reach = (cluster: string): string[] =>
      output.grants
        .filter((grant) => grant.product === 'koa' && grant.cluster === cluster)
        .map((grant) => grant.namespace ?? '')
        .filter((namespace, i, all) => all.indexOf(namespace) === i)
        .sort();
    expect(reach('idp-dev')).toEqual(KOA_ON['idp-dev']);
    expect(reach('idp-prod')).toEqual(KOA_ON['idp-prod']);
    const admin = output.grants.filter((grant) =>
      grant.subject.name.endsWith(':role/idp-dev-cluster-admin'),
    );
    expect(admin).toEqual([
      {
        tool: 'aws',
        subject: {
          kind: 'group',
          name: 'iam-role:arn:aws:iam::111111111111:role/idp-dev-cluster-admin',
        },
        permission: 'AmazonEKSClusterAdminPolicy on cluster idp-dev',
        level: 'admin',
        cluster: 'idp-dev',
        file: 'aws/terraform/clusters.tf.json',
      },
    ]);
  });

  it('maps through aws-auth alone where a cluster has no access entries', () => {
    const model = modelWith(
      {
        region: 'eu-west-1',
        clusters: [
          {
            name: 'old',
            account: '444444444444',
            region: 'us-east-1',
            authentication: ['aws-auth'],
          },
        ],
      },
      [
        {
          name: 'app',
          namespaces: ['app-dev'],
          aws: { account: '444444444444', clusters: ['old'] },
        },
      ],
    );
    const compiled = compileModel(model);
    expect(fileOf(compiled, 'aws/terraform/app.tf.json').content).not.toContain('aws_eks_access');
    expect(fileOf(compiled, 'aws/eks/old/aws-auth.yaml').content).toContain('app-namespace-admins');
    expect(fileOf(compiled, 'aws/README.md').content).toContain(
      'aws eks update-kubeconfig --region us-east-1 --name old --role-arn arn:aws:iam::444444444444:role/old-app-namespace-admin',
    );
  });

  it('refuses a product that names an unknown cluster', () => {
    const model = modelWith(EXAMPLE_AWS, [
      { name: 'app', namespaces: ['app'], aws: { account: '444444444444', clusters: ['nope'] } },
    ]);
    expect(() => compileModel(model)).toThrow(/unknown cluster nope/);
  });

  it('keeps a plain cluster name meaning all namespaces, and mixes both forms', () => {
    const model = modelWith(EXAMPLE_AWS, [
      {
        name: 'app',
        namespaces: ['app-a', 'app-b', 'app-c'],
        aws: {
          account: '222222222222',
          clusters: ['idp-dev', { name: 'idp-prod', namespaces: ['app-c'] }],
        },
      },
    ]);
    const app = resources('aws/terraform/app.tf.json', compileModel(model));
    const scope = (cluster: string): unknown =>
      app.aws_eks_access_policy_association?.[`${cluster}-app-namespace-admin`]?.access_scope;
    expect(scope('idp-dev')).toEqual({
      type: 'namespace',
      namespaces: ['app-a', 'app-b', 'app-c'],
    });
    expect(scope('idp-prod')).toEqual({ type: 'namespace', namespaces: ['app-c'] });
    const awsAuth = fileOf(compileModel(model), 'aws/eks/idp-prod/aws-auth.yaml').content;
    expect(awsAuth).toContain('namespace: app-c');
    expect(awsAuth).not.toContain('namespace: app-a');
  });

  it('over random cluster entries, reaches exactly the namespaces each cluster lists', () => {
    const NAMESPACES = ['app-a', 'app-b', 'app-c'];
    const entry = fc.oneof(
      fc.constantFrom('idp-dev', 'idp-prod'),
      fc.record({
        name: fc.constantFrom('idp-dev', 'idp-prod'),
        namespaces: fc.subarray(NAMESPACES, { minLength: 1 }),
      }),
    );
    fc.assert(
      fc.property(
        fc.subarray(NAMESPACES, { minLength: 1 }),
        fc.uniqueArray(entry, { selector: (e) => (typeof e === 'string' ? e : e.name) }),
        (namespaces, clusters) => {
          // Cluster entries may only name the product's own namespaces (the model checks).
          const own = clusters.map((e) =>
            typeof e === 'string'
              ? e
              : { ...e, namespaces: e.namespaces.filter((n) => namespaces.includes(n)) },
          );
          const valid = own.filter((e) => typeof e === 'string' || e.namespaces.length > 0);
          const model = modelWith(EXAMPLE_AWS, [
            { name: 'app', namespaces, aws: { account: '222222222222', clusters: valid } },
          ]);
          const grants = compileModel(model).grants.filter((grant) => grant.product === 'app');
          for (const cluster of ['idp-dev', 'idp-prod']) {
            const listed = valid.find((e) => (typeof e === 'string' ? e : e.name) === cluster);
            const expected =
              listed === undefined
                ? []
                : typeof listed === 'string'
                  ? namespaces
                  : listed.namespaces;
            const reached = new Set(
              grants.filter((grant) => grant.cluster === cluster).map((grant) => grant.namespace),
            );
            expect([...reached].sort()).toEqual([...new Set(expected)].sort());
          }
        },
      ),
      { numRuns: 60 },
    );
  });
});
