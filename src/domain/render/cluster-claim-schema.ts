import { z } from 'zod';
import { dnsLabelSchema } from '../claims/names.js';
import { autoscalingProfileSchema, nodePoolSchema } from '../environment-types/environment-type.js';
import { LABEL_PREFIX } from './labels.js';

/**
 * The Crossplane API of part 1 of the seed's "Two-Part Environment Claims": one claim per
 * environment asks the platform cluster's Crossplane for the environment's VPC, control
 * plane and node pools. This file is the one source of that API: the renderer validates
 * every claim with these schemas, and `scripts/generate-xrd.js` turns them into
 * `deploy/crossplane/xrd.yaml` (a test fails when the file is stale).
 *
 * Only what a Kubernetes structural schema can say is used here (see `cluster-xrd.ts`):
 * no unions, no `$ref`, records only with string keys. Cross-field rules are written twice,
 * as a zod refinement and as the CEL rule Kubernetes checks (`x-kubernetes-validations`).
 */
export const CLAIM_GROUP = LABEL_PREFIX;
export const CLAIM_VERSION = 'v1alpha1';
export const CLAIM_API_VERSION = `${CLAIM_GROUP}/${CLAIM_VERSION}`;
/** The namespaced claim the renderer writes. */
export const CLAIM_KIND = 'EnvironmentCluster';
export const CLAIM_PLURAL = 'environmentclusters';
/** The cluster-scoped composite resource Crossplane creates for each claim. */
export const COMPOSITE_KIND = 'XEnvironmentCluster';
export const COMPOSITE_PLURAL = 'xenvironmentclusters';

// Vultr region ids are short lower-case codes (`ewr`, `ams`, `fra`, `sjc`).
const REGION_PATTERN = /^[a-z][a-z0-9-]{1,15}$/;
// A private IPv4 network in CIDR form; the composition splits it into Vultr's
// `v4_subnet` and `v4_subnet_mask`. RE2-compatible, as Kubernetes checks it too.
const CIDR_PATTERN =
  /^((25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])\.){3}(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])\/(1[6-9]|2[0-9])$/;
// VKE versions look like `v1.33.0+1`.
const KUBERNETES_VERSION_PATTERN = /^v[0-9]+\.[0-9]+\.[0-9]+(\+[0-9]+)?$/;
// A qualified label key (`prefix/name` or `name`), as Kubernetes accepts for labels and taints.
const LABEL_KEY_PATTERN =
  /^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/)?[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;
const LABEL_VALUE_PATTERN = /^([A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?)?$/;

/** The most nodes one pool may scale to (Vultr's per-pool limit is of this order). */
export const MAX_NODES_PER_POOL = 100;

export const nodeTaintSchema = z.strictObject({
  key: z.string().max(253).regex(LABEL_KEY_PATTERN),
  value: z.string().max(63).regex(LABEL_VALUE_PATTERN),
  effect: z.enum(['NoSchedule', 'PreferNoSchedule', 'NoExecute']),
});

const nodeCount = z.int().min(1).max(MAX_NODES_PER_POOL);

export const clusterNodePoolSchema = z
  .strictObject({
    name: nodePoolSchema.meta({ description: 'The seed node pool type; also the Vultr label.' }),
    plan: z
      .string()
      .min(1)
      .max(64)
      .regex(/^[a-z0-9][a-z0-9-]*$/)
      .meta({ description: 'Vultr plan id of the nodes, e.g. vc2-4c-8gb.' }),
    minNodes: nodeCount.meta({ description: 'Fewest nodes; also the initial node count.' }),
    maxNodes: nodeCount.meta({ description: 'Most nodes the autoscaler may add.' }),
    labels: z.record(z.string().max(317).regex(LABEL_KEY_PATTERN), z.string().max(63)),
    taints: z.array(nodeTaintSchema).max(16),
  })
  .refine((pool) => pool.minNodes <= pool.maxNodes, {
    path: ['maxNodes'],
    message: 'must not be less than minNodes',
  })
  .meta({
    'x-kubernetes-validations': [
      {
        rule: 'self.minNodes <= self.maxNodes',
        message: 'maxNodes must not be less than minNodes',
      },
    ],
  });

/** The spec fields of an `EnvironmentCluster` claim that the platform defines. */
export const clusterClaimSpecSchema = z.strictObject({
  environmentName: dnsLabelSchema.meta({
    description: 'The environment (claim) name, a DNS-1123 label.',
    examples: ['dev-team1-feature-x'],
  }),
  environmentType: dnsLabelSchema.meta({
    description: 'The environment type, e.g. dev, staging, prod, sue.',
    examples: ['dev'],
  }),
  pool: dnsLabelSchema.meta({
    description: 'The environment pool (team) the environment is for.',
    examples: ['team1'],
  }),
  region: z.string().regex(REGION_PATTERN).meta({ description: 'Vultr region id, e.g. ewr.' }),
  network: z.strictObject({
    vpcCidr: z
      .string()
      .regex(CIDR_PATTERN)
      .meta({ description: 'IPv4 range of the environment VPC, /16 to /29, e.g. 10.10.0.0/16.' }),
  }),
  controlPlane: z.strictObject({
    highAvailability: z.boolean().meta({ description: 'Vultr HA control planes.' }),
    kubernetesVersion: z
      .string()
      .regex(KUBERNETES_VERSION_PATTERN)
      .optional()
      .meta({ description: 'VKE version, e.g. v1.33.0+1; the composition default when absent.' }),
  }),
  autoscaling: z.strictObject({
    profile: autoscalingProfileSchema.meta({
      description: 'The type profile that sized the node pools (seed "Environment Types").',
    }),
  }),
  nodePools: z
    .array(clusterNodePoolSchema)
    .min(1)
    .max(nodePoolSchema.options.length)
    .refine((pools) => new Set(pools.map((pool) => pool.name)).size === pools.length, {
      message: 'node pool names must be unique',
    })
    .meta({
      description: 'The first pool is created with the cluster, the others as VKE node pools.',
      'x-kubernetes-list-type': 'map',
      'x-kubernetes-list-map-keys': ['name'],
    }),
});

/** What the composition reports back on the composite and the claim. */
export const clusterClaimStatusSchema = z.strictObject({
  vpcId: z.string().optional(),
  clusterId: z.string().optional(),
  endpoint: z.string().optional(),
});

export type ClusterClaimSpec = z.infer<typeof clusterClaimSpecSchema>;
export type ClusterNodePool = z.infer<typeof clusterNodePoolSchema>;
export type NodeTaint = z.infer<typeof nodeTaintSchema>;
