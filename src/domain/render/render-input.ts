import type { EnvironmentType, NodePool } from '../environment-types/environment-type.js';
import type { InfisicalSettings } from './infisical/infisical-scope.js';

/** One artifact as the registry resolved it: the repository, the tag asked for, its digest. */
export interface ResolvedArtifact {
  /** Repository path inside the registry, e.g. `docker-releases/user-service`. */
  readonly repository: string;
  readonly tag: string;
  /** `sha256:<64 hex>` (or `sha512:<128 hex>`): what Flux and the runtime pull. */
  readonly digest: string;
}

/** A service to deploy, with its two artifacts from the seed's "Artifactory Artifact Storage". */
export interface RenderService {
  readonly name: string;
  /** Services (of the same render) that must be ready first. */
  readonly dependsOn: readonly string[];
  readonly port?: number;
  /** Folder of the deployment files inside the deployment artifact, e.g. `./`. */
  readonly path: string;
  /** Extra post-build substitution variables for the service's manifests. */
  readonly env: Readonly<Record<string, string>>;
  /** The Docker image `<service>:<tag>`. */
  readonly image: ResolvedArtifact;
  /** The OCI artifact with the deployment files, `<service>-ansible:<tag>`. */
  readonly deployment: ResolvedArtifact;
}

/** The platform components that run either shared on the platform or dedicated per environment. */
export const PLATFORM_COMPONENTS = ['logging', 'monitoring', 'gateway', 'authorization'] as const;
export type PlatformComponent = (typeof PLATFORM_COMPONENTS)[number];

/** Where the rendered output lives: the Flux `Bucket` the environment cluster reads. */
export interface RenderBucket {
  readonly name: string;
  /** S3 endpoint as Flux wants it: `host[:port]`, without scheme. */
  readonly endpoint: string;
  readonly insecure?: boolean | undefined;
  /** Secret in the Flux namespace with `accesskey` and `secretkey`. */
  readonly secretName?: string | undefined;
  readonly region?: string | undefined;
  /** Key prefix in front of `<environment>/`, e.g. `rendered/`; empty by default. */
  readonly keyPrefix?: string | undefined;
}

/** Part 1 (the cluster claim): values the environment type does not decide. */
export interface ClusterSettings {
  /** Vultr region id. */
  readonly region: string;
  /** IPv4 range of each environment's VPC (VPCs are isolated; the range may repeat). */
  readonly vpcCidr: string;
  /** VKE version; absent: the composition's default. */
  readonly kubernetesVersion?: string;
  /** Namespace of the claims on the platform cluster. */
  readonly claimNamespace: string;
  /** Vultr plan per node pool type. */
  readonly nodePlans: Readonly<Record<NodePool, string>>;
}

export interface RenderSettings {
  /** `host[:port]` of the OCI registry, for `oci://` URLs and image references. */
  readonly registryHost: string;
  /** Plain-HTTP registry (OCIRepository `spec.insecure`). */
  readonly registryInsecure?: boolean;
  /** Pull secret for the OCIRepositories, in the Flux namespace. */
  readonly registrySecretName?: string;
  /**
   * Media type of the deployment artifact's layer when it is not Flux's own
   * (`application/vnd.cncf.flux.content.v1.tar+gzip`); sets `spec.layerSelector`.
   */
  readonly deploymentMediaType?: string;
  readonly bucket: RenderBucket;
  /** Namespace of the Flux objects on the environment cluster; usually `flux-system`. */
  readonly fluxNamespace: string;
  /** Flux source (on the environment cluster) with the dedicated stacks' manifests. */
  readonly platformStacks: {
    readonly sourceName: string;
    readonly sourceKind: 'GitRepository' | 'OCIRepository';
  };
  /** Flux reconcile interval, e.g. `5m`. */
  readonly interval: string;
  /** Part 1 settings; `DEFAULT_CLUSTER_SETTINGS` when absent. */
  readonly cluster?: ClusterSettings;
  /** Endpoints of the shared platform instances, written into `platform-endpoints`. */
  readonly sharedEndpoints?: Readonly<Partial<Record<PlatformComponent, string>>>;
  /** Infisical identities and secrets; `DEFAULT_INFISICAL_SETTINGS` when absent, none when `null`. */
  readonly infisical?: InfisicalSettings | null;
}

export interface RenderInput {
  readonly environment: {
    readonly name: string;
    readonly type: string;
    readonly pool: string;
    readonly owner: string;
  };
  readonly environmentType: EnvironmentType;
  readonly services: readonly RenderService[];
  readonly settings: RenderSettings;
}

/** One rendered file: `path` is relative to the environment's prefix, POSIX separators. */
export interface RenderedFile {
  readonly path: string;
  readonly content: string;
}

/**
 * Example Vultr plans per node pool type (check `vultr-cli plans list` for the region):
 * small shared-CPU nodes for system and spot pools, general-purpose for applications,
 * memory- and storage-optimized plans, and a GPU plan for `ai`.
 */
export const DEFAULT_NODE_PLANS: Readonly<Record<NodePool, string>> = Object.freeze({
  'general-restricted': 'vc2-2c-4gb',
  'general-public': 'vc2-4c-8gb',
  memory: 'voc-m-2c-16gb-50s',
  storage: 'voc-s-2c-16gb-150s',
  spot: 'vc2-2c-4gb',
  ai: 'vcg-a16-2c-16g-2vram',
});

export const DEFAULT_CLUSTER_SETTINGS: ClusterSettings = Object.freeze({
  region: 'ewr',
  vpcCidr: '10.10.0.0/16',
  claimNamespace: 'platform-environments',
  nodePlans: DEFAULT_NODE_PLANS,
});
