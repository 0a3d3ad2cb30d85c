import type { AccessFile, Grant } from '../../access-output.js';
import {
  productClusterName,
  type AwsSettings,
  type Product,
} from '../../../tenancy/tenancy-schema.js';
import { sortedUnique } from '../../serialize.js';

/** An EKS cluster of the model with its region resolved. */
export interface AwsCluster {
  readonly name: string;
  readonly account: string;
  readonly region: string;
  readonly accessEntries: boolean;
  readonly awsAuth: boolean;
}

/** The model's shared AWS settings with defaults resolved, read by every part. */
export interface AwsContext {
  readonly region: string;
  readonly oidcHost: string;
  readonly registry:
    | { readonly account: string; readonly region: string; readonly shared: readonly string[] }
    | undefined;
  readonly clusters: ReadonlyMap<string, AwsCluster>;
}

/**
 * The product's namespaces on one of its clusters: those the entry lists, or all of them for
 * a plain cluster name; none when the product does not name the cluster. Sorted, unique.
 */
export function namespacesOnCluster(product: AwsProduct, cluster: string): string[] {
  const entries = product.aws.clusters.filter((entry) => productClusterName(entry) === cluster);
  return sortedUnique(
    entries.flatMap((entry) => (typeof entry === 'string' ? product.namespaces : entry.namespaces)),
  );
}

/** A product that has an `aws` section, with that section typed as present. */
export type AwsProduct = Product & { readonly aws: NonNullable<Product['aws']> };

export function hasAws(product: Product): product is AwsProduct {
  return product.aws !== undefined;
}

export function awsContext(settings: AwsSettings): AwsContext {
  const clusters = new Map<string, AwsCluster>();
  for (const cluster of settings.clusters)
    clusters.set(cluster.name, {
      name: cluster.name,
      account: cluster.account,
      region: cluster.region ?? settings.region,
      accessEntries: cluster.authentication.includes('access-entries'),
      awsAuth: cluster.authentication.includes('aws-auth'),
    });
  const registry = settings.registry;
  return {
    region: settings.region,
    oidcHost: settings.githubOidcHost,
    registry: registry && {
      account: registry.account,
      region: registry.region ?? settings.region,
      shared: registry.shared,
    },
    clusters,
  };
}

/** Where the parts put what they produce; the compiler sorts it at the end. */
export interface AwsSink {
  readonly files: AccessFile[];
  readonly grants: Grant[];
}
