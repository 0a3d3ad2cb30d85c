import { z } from 'zod';
import { dnsLabelSchema } from '../domain/claims/names.js';
import { durationSchema } from '../domain/shared/duration.js';
import { CONSTRAINT_KINDS } from '../domain/versions/constraint.js';
import { NODE_POOLS } from '../domain/environment-types/environment-type.js';
import { DEFAULT_CLUSTER_SETTINGS, PLATFORM_COMPONENTS } from '../domain/render/render-input.js';
import { DEFAULT_INFISICAL_SETTINGS } from '../domain/render/infisical/infisical-scope.js';

// A repository path prefix in the registry: `docker-releases`, `user-repos/johndoe-local-repo`.
const repositoryPrefix = z
  .string()
  .regex(
    /^[a-z0-9]+(?:[._-][a-z0-9]+)*(?:\/[a-z0-9]+(?:[._-][a-z0-9]+)*)*$/,
    'must be a registry repository path such as docker-releases',
  );

const streamSchema = (images: string, deployments: string) =>
  z
    .strictObject({
      /** Where the Docker images `<service>:<tag>` are. */
      images: repositoryPrefix.default(images),
      /** Where the OCI artifacts with the deployment files `<service>-ansible:<tag>` are. */
      deployments: repositoryPrefix.default(deployments),
    })
    .prefault({});

const tagPatternSchema = z.string().refine((source) => {
  try {
    new RegExp(source, 'u');
    return true;
  } catch {
    return false;
  }
}, 'must be a valid regular expression');

/**
 * The environment deployer: which services exist (the catalogue), where their artifacts
 * are (an OCI registry) and how the desired state is written for Flux. Without `catalogue`
 * and `registry` the deployer is off: claims are stored and served, nothing is rendered.
 */
export const deployConfigSchema = z
  .strictObject({
    /** The service catalogue (YAML), relative to the config file. */
    catalogue: z.string().min(1).optional(),
    registry: z
      .strictObject({
        /** `http(s)://host[:port]` of the OCI distribution API (Artifactory, Harbor, ECR, distribution). */
        url: z.url({ protocol: /^https?$/, error: 'must be an http(s):// URL' }),
        /** Basic or token-service user; the password comes from PLATFORM_REGISTRY_PASSWORD. */
        username: z.string().min(1).optional(),
        /**
         * First path components of a claim's explicit references that stand for this
         * registry: the seed writes `artifactory/docker-releases/user-service:v1.2.3`.
         */
        aliases: z.array(z.string().min(1)).default(['artifactory']),
        timeout: durationSchema.default('10s'),
        retries: z.number().int().min(0).max(10).default(2),
        /** How long tag lists and digests are reused before the registry is asked again. */
        cacheTtl: durationSchema.default('30s'),
        /**
         * The seed's retention for user repositories (`repositories.users`): the leader
         * deletes their manifests older than `userRepositories`, every `interval`. Release
         * and snapshot repositories are never touched. Needs deletes enabled in the registry
         * and, with token auth, the `delete` action on the user repositories.
         */
        retention: z
          .strictObject({
            enabled: z.boolean().default(true),
            /** Age after which a user-repository manifest is deleted (from its push time). */
            userRepositories: durationSchema.default('24h'),
            /** How often the sweep runs. */
            interval: durationSchema.default('1h'),
          })
          .prefault({}),
      })
      .optional(),
    /** The seed's Artifactory layout; repositories are configuration, not code. */
    repositories: z
      .strictObject({
        release: streamSchema('docker-releases', 'oci-releases'),
        dev: z
          .strictObject({
            images: repositoryPrefix.default('docker-snapshots'),
            deployments: repositoryPrefix.default('oci-snapshots'),
            /** Only tags matching this pattern count as dev tags (default: every tag there). */
            tagPattern: tagPatternSchema.optional(),
          })
          .prefault({}),
        /**
         * Where the user repositories of `platform-deploy --local` are:
         * `<users>/<user>-local-repo/<service>` and `…/<service>-ansible`.
         */
        users: repositoryPrefix.default('user-repos'),
      })
      .prefault({}),
    /** Artifact names in the repositories; `{service}` is the service name (the seed's naming). */
    artifactNames: z
      .strictObject({
        image: z.string().includes('{service}').default('{service}'),
        deployment: z.string().includes('{service}').default('{service}-ansible'),
      })
      .prefault({}),
    /** Environment types that always deploy dev tags (the seed: automatic for sue). */
    devTagTypes: z.array(dnsLabelSchema).default(['sue']),
    /** How often constraint-based environments are resolved again (the seed's "Automatic Updates"). */
    resolveInterval: durationSchema.default('5m'),
    /** What the rendered Flux objects point at. */
    flux: z
      .strictObject({
        namespace: dnsLabelSchema.default('flux-system'),
        interval: durationSchema.default('5m'),
        /** The S3 bucket Flux reads the rendered output from (the seed's MinIO). */
        bucket: z
          .strictObject({
            name: z.string().min(3).default('rendered'),
            endpoint: z.string().min(1).default('minio.platform.svc:9000'),
            insecure: z.boolean().default(false),
            secretName: dnsLabelSchema.optional(),
            region: z.string().min(1).optional(),
          })
          .prefault({}),
        /**
         * Media type of the deployment artifact's files layer when it is not Flux's own
         * (`application/vnd.cncf.flux.content.v1.tar+gzip`): sets OCIRepository `layerSelector`.
         */
        deploymentMediaType: z.string().min(1).optional(),
        /** Secret with the registry's pull credentials, for OCIRepository `secretRef`. */
        registrySecretName: dnsLabelSchema.optional(),
        /** Endpoints of the shared platform instances (dev/sue), for the `platform-endpoints` ConfigMap. */
        sharedEndpoints: z
          .partialRecord(z.enum(PLATFORM_COMPONENTS), z.string().min(1))
          .default({}),
        /** The Flux source holding the platform's dedicated stacks (Kong, Elasticsearch, …). */
        platformStacks: z
          .strictObject({
            sourceName: dnsLabelSchema.default('platform-infrastructure'),
            sourceKind: z.enum(['GitRepository', 'OCIRepository']).default('GitRepository'),
          })
          .prefault({}),
      })
      .prefault({}),
    /**
     * Infisical identities and InfisicalSecrets per environment (seed: "Infisical Token
     * Management"); whether a type gets its own project is the type's `secrets.project`.
     */
    infisical: z
      .strictObject({
        enabled: z.boolean().default(true),
        /** The Infisical API as the environment clusters' operator reaches it. */
        hostAPI: z.url({ protocol: /^https?$/ }).default(DEFAULT_INFISICAL_SETTINGS.hostAPI),
        /** Slug of the platform's project that `shared` types (dev, sue) use. */
        sharedProject: z
          .string()
          .regex(/^[a-z0-9-]+$/, 'must be an Infisical slug: a-z, 0-9 and -')
          .default(DEFAULT_INFISICAL_SETTINGS.sharedProject),
        /** The platform cluster's Flux source of the rendered bucket, for the Terraform runner. */
        platformSource: z
          .strictObject({
            kind: z
              .enum(['Bucket', 'GitRepository', 'OCIRepository'])
              .default(DEFAULT_INFISICAL_SETTINGS.platformSource.kind),
            name: dnsLabelSchema.default(DEFAULT_INFISICAL_SETTINGS.platformSource.name),
            namespace: dnsLabelSchema.default(DEFAULT_INFISICAL_SETTINGS.platformSource.namespace),
          })
          .prefault({}),
        /** Secret with the platform's Infisical credentials, for the Terraform runner. */
        credentialsSecret: dnsLabelSchema.default(DEFAULT_INFISICAL_SETTINGS.credentialsSecret),
      })
      .prefault({}),
    /** Part 1, the Crossplane cluster claim: what the environment type does not decide. */
    cluster: z
      .strictObject({
        region: z.string().min(1).default(DEFAULT_CLUSTER_SETTINGS.region),
        vpcCidr: z
          .string()
          .regex(/^\d{1,3}(\.\d{1,3}){3}\/\d{1,2}$/, 'must be an IPv4 CIDR such as 10.10.0.0/16')
          .default(DEFAULT_CLUSTER_SETTINGS.vpcCidr),
        kubernetesVersion: z.string().min(1).optional(),
        claimNamespace: dnsLabelSchema.default(DEFAULT_CLUSTER_SETTINGS.claimNamespace),
        /** Vultr plan per node pool type, over the defaults. */
        nodePlans: z.partialRecord(z.enum(NODE_POOLS), z.string().min(1)).default({}),
      })
      .prefault({}),
  })
  .superRefine((deploy, ctx) => {
    // The retention deletes under `users`: it must not reach a release or snapshot repository.
    const { users, release, dev } = deploy.repositories;
    const overlaps = (a: string, b: string) =>
      a === b || a.startsWith(`${b}/`) || b.startsWith(`${a}/`);
    const clash = [release.images, release.deployments, dev.images, dev.deployments].find((p) =>
      overlaps(users, p),
    );
    if (clash !== undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['repositories', 'users'],
        message: `must not overlap the release or snapshot repositories (${clash})`,
      });
    }
    if ((deploy.catalogue === undefined) !== (deploy.registry === undefined)) {
      const missing = deploy.catalogue === undefined ? 'catalogue' : 'registry';
      ctx.addIssue({
        code: 'custom',
        path: [missing],
        message: 'is required: the deployer needs both a service catalogue and a registry',
      });
    }
  });

export type DeployConfigFile = z.infer<typeof deployConfigSchema>;

/**
 * Per environment type, the constraint kinds accepted in claims, merged over the defaults
 * (prod: anchored only; staging: no `*`; dev and sue: anything).
 */
export const versionPolicySchema = z.record(dnsLabelSchema, z.array(z.enum(CONSTRAINT_KINDS)));
