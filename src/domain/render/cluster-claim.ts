import type { EnvironmentType, NodePool } from '../environment-types/environment-type.js';
import {
  CLAIM_API_VERSION,
  CLAIM_KIND,
  clusterClaimSpecSchema,
  type ClusterClaimSpec,
  type ClusterNodePool,
  type NodeTaint,
} from './cluster-claim-schema.js';
import { NODE_POOL_LABEL, OWNER_ANNOTATION } from './labels.js';
import type { ClusterSettings } from './render-input.js';

/** Label on the shipped Vultr Composition; claims select it with this label. */
export const COMPOSITION_PROVIDER_LABEL = 'provider';
export const COMPOSITION_PROVIDER = 'vultr';

type Profile = EnvironmentType['autoscaling'];

/**
 * Node counts per autoscaling profile (seed "Environment Types"): `aggressive` keeps dev and
 * sue small to save cost, `moderate` leaves staging some headroom, `conservative` keeps
 * production at three nodes or more and lets it grow furthest.
 */
export const AUTOSCALING_NODES: Readonly<Record<Profile, { min: number; max: number }>> =
  Object.freeze({
    aggressive: { min: 1, max: 3 },
    moderate: { min: 2, max: 6 },
    conservative: { min: 3, max: 10 },
  });

/** Pools that carry the environment's own and system workloads: HA needs three nodes there. */
const CORE_POOLS: ReadonlySet<NodePool> = new Set(['general-restricted', 'general-public']);

/**
 * Pools that application pods only reach by tolerating the taint: the seed's
 * `general-restricted` ("taints prevent application pods"), `spot` (batch, opt-in) and `ai`
 * (GPU nodes are too expensive for stray pods).
 */
const TAINTED_POOLS: ReadonlySet<NodePool> = new Set(['general-restricted', 'spot', 'ai']);

/**
 * Node counts of one pool: the profile's range; the core pools of an HA type at least three
 * nodes (a node can fail while a quorum of replicas stays up); the special pools (memory,
 * storage, spot, ai) start at one node whatever the profile, since only some workloads use them.
 */
export function nodePoolSize(pool: NodePool, type: EnvironmentType): { min: number; max: number } {
  const range = AUTOSCALING_NODES[type.autoscaling];
  if (!CORE_POOLS.has(pool)) return { min: 1, max: range.max };
  const min = type.ha ? Math.max(range.min, 3) : range.min;
  return { min, max: Math.max(range.max, min) };
}

function nodePool(
  pool: NodePool,
  type: EnvironmentType,
  cluster: ClusterSettings,
): ClusterNodePool {
  const { min, max } = nodePoolSize(pool, type);
  const taints: NodeTaint[] = TAINTED_POOLS.has(pool)
    ? [{ key: NODE_POOL_LABEL, value: pool, effect: 'NoSchedule' }]
    : [];
  return {
    name: pool,
    plan: cluster.nodePlans[pool],
    minNodes: min,
    maxNodes: max,
    labels: { [NODE_POOL_LABEL]: pool },
    taints,
  };
}

export interface ClusterClaimInput {
  readonly environment: { name: string; type: string; pool: string; owner: string };
  readonly environmentType: EnvironmentType;
  readonly cluster: ClusterSettings;
  readonly labels: Readonly<Record<string, string>>;
}

/** The claim's spec, validated against the schema the XRD is generated from. */
export function clusterClaimSpec(input: ClusterClaimInput): ClusterClaimSpec {
  const { environment, environmentType: type, cluster } = input;
  // The type's first pool is created with the cluster (VKE wants one); the order is the
  // catalogue's, with general-restricted first in every default type.
  const spec: ClusterClaimSpec = {
    environmentName: environment.name,
    environmentType: environment.type,
    pool: environment.pool,
    region: cluster.region,
    network: { vpcCidr: cluster.vpcCidr },
    controlPlane: {
      highAvailability: type.ha,
      ...(cluster.kubernetesVersion === undefined
        ? {}
        : { kubernetesVersion: cluster.kubernetesVersion }),
    },
    autoscaling: { profile: type.autoscaling },
    nodePools: type.nodePools.map((pool) => nodePool(pool, type, cluster)),
  };
  const result = clusterClaimSpecSchema.safeParse(spec);
  if (!result.success)
    throw new TypeError(`invalid cluster claim for ${environment.name}: ${result.error.message}`);
  return spec;
}

/**
 * The `EnvironmentCluster` claim for the platform cluster's Crossplane (part 1 of the seed's
 * "Two-Part Environment Claims"): VPC, control plane and node pools sized from the type. It
 * selects the Vultr composition by label and asks for the cluster's kubeconfig in
 * `<environment>-kubeconfig`, which the platform uses to bootstrap Flux there.
 *
 * @throws TypeError when the settings or type produce a claim the schema refuses.
 */
export function clusterClaim(input: ClusterClaimInput): Record<string, unknown> {
  const { environment, cluster } = input;
  return {
    apiVersion: CLAIM_API_VERSION,
    kind: CLAIM_KIND,
    metadata: {
      name: environment.name,
      namespace: cluster.claimNamespace,
      labels: { ...input.labels },
      annotations: { [OWNER_ANNOTATION]: environment.owner },
    },
    spec: {
      ...clusterClaimSpec(input),
      compositionSelector: {
        matchLabels: { [COMPOSITION_PROVIDER_LABEL]: COMPOSITION_PROVIDER },
      },
      writeConnectionSecretToRef: { name: `${environment.name}-kubeconfig` },
    },
  };
}
