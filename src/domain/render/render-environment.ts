import { compareText } from '../access/serialize.js';
import { bootstrapObjects, BOOTSTRAP_NAME } from './bootstrap.js';
import { checkRenderInput, checkRenderSettings } from './check-render-input.js';
import { clusterClaim } from './cluster-claim.js';
import { kustomizeFile, namespace, renderedHeader, yamlFile } from './flux-objects.js';
import {
  INFISICAL_FOLDER,
  INFISICAL_KUSTOMIZATION,
  infisicalFiles,
} from './infisical/infisical-files.js';
import {
  ENVIRONMENT_LABEL,
  ENVIRONMENT_POOL_LABEL,
  ENVIRONMENT_TYPE_LABEL,
  MANAGED_LABELS,
  OWNER_ANNOTATION,
} from './labels.js';
import {
  PLATFORM_STACKS_PATH,
  platformStackObjects,
  RESERVED_FLUX_NAMES,
  servicePrerequisites,
} from './platform-stacks.js';
import { DEFAULT_CLUSTER_SETTINGS, type RenderInput, type RenderedFile } from './render-input.js';
import { serviceFile, serviceFilePath } from './service-objects.js';
import { YamlWriter, type YamlOutput } from './yaml-writer.js';

export type {
  ClusterSettings,
  PlatformComponent,
  RenderBucket,
  RenderedFile,
  RenderInput,
  RenderService,
  RenderSettings,
  ResolvedArtifact,
} from './render-input.js';
export {
  DEFAULT_CLUSTER_SETTINGS,
  DEFAULT_NODE_PLANS,
  PLATFORM_COMPONENTS,
} from './render-input.js';
export { environmentKeyPrefix } from './bootstrap.js';
export { DEFAULT_INFISICAL_SETTINGS, type InfisicalSettings } from './infisical/infisical-scope.js';

/** Names a service may not take: the renderer's own Flux objects, and Flux's own. */
export const RESERVED_SERVICE_NAMES: ReadonlySet<string> = new Set([
  ...RESERVED_FLUX_NAMES,
  BOOTSTRAP_NAME,
  INFISICAL_KUSTOMIZATION,
  'flux-system',
]);

/** Paths of single files of the layout (relative to the environment's prefix). */
export const CLUSTER_CLAIM_PATH = 'platform/cluster-claim.yaml';
export const NAMESPACE_PATH = 'environment/namespace.yaml';

function folderKustomization(
  writer: YamlOutput,
  environment: string,
  folder: string,
  files: readonly RenderedFile[],
  // A subfolder applied by a Kustomization of its own, not by this folder's.
  exclude?: string,
): RenderedFile {
  const resources = files
    .filter((file) => file.path.startsWith(`${folder}/`))
    .filter((file) => exclude === undefined || !file.path.startsWith(`${exclude}/`))
    .map((file) => file.path.slice(folder.length + 1))
    .sort(compareText);
  return {
    path: `${folder}/kustomization.yaml`,
    content: kustomizeFile(writer, environment, resources),
  };
}

/**
 * Renders one environment's desired state, as files relative to its prefix in the rendered
 * bucket (`<environment>/`):
 *
 * - `platform/` — part 1, for the platform cluster: the `EnvironmentCluster` claim
 *   (`cluster-claim.yaml`) and a `kustomization.yaml` listing it;
 * - `bootstrap/` — part 3, applied once to the new cluster: the Flux `Bucket`
 *   (`bucket.yaml`) and `Kustomization` (`sync.yaml`) that follow `environment/`;
 * - `environment/` — part 2, what that Kustomization applies: the namespace, the
 *   `platform-stacks.yaml` (shared-vs-dedicated placement, dedicated stacks, WAF) and
 *   `services/<service>.yaml` per service, with a `kustomization.yaml` listing them all;
 * - Infisical (see `infisical/infisical-files.ts`): `infisical/main.tf.json` and, in
 *   `platform/`, the tofu-controller `Terraform` that applies it on the platform side;
 *   `environment/infisical.yaml` and the `environment/infisical/` folder it applies.
 *
 * Every object is validated against its schema (Flux and Kubernetes through
 * `@kubernetes-models`, the claim through the schema the shipped XRD is generated from);
 * the `InfisicalSecret`, the `Terraform` and the Terraform JSON are typed to the fields
 * written and checked against their CRDs and provider schemas by the tests.
 * Pure and deterministic: files sorted by path, equal input (in any service order) gives
 * byte-identical output.
 *
 * @throws InputError for bad service names, digests, repositories, tags, paths, variables
 *   or dependencies on services outside the render.
 * @throws TypeError for invalid settings, or an object that fails its schema (a bug).
 */
export function renderEnvironment(
  input: RenderInput,
  // One writer per render: its cache holds this render's strings only.
  writer: YamlOutput = new YamlWriter(),
): RenderedFile[] {
  checkRenderSettings(input.settings);
  checkRenderInput(input, RESERVED_SERVICE_NAMES);
  const { environment, settings } = input;
  const name = environment.name;
  const labels: Record<string, string> = {
    ...MANAGED_LABELS,
    [ENVIRONMENT_LABEL]: name,
    [ENVIRONMENT_TYPE_LABEL]: environment.type,
    [ENVIRONMENT_POOL_LABEL]: environment.pool,
  };
  const { bucket, sync } = bootstrapObjects(settings, name, labels);
  const platformDependencies = servicePrerequisites(input);
  const services = [...input.services].sort((a, b) => compareText(a.name, b.name));

  const files: RenderedFile[] = [
    {
      path: CLUSTER_CLAIM_PATH,
      content: yamlFile(writer, name, [
        clusterClaim({
          environment,
          environmentType: input.environmentType,
          cluster: settings.cluster ?? DEFAULT_CLUSTER_SETTINGS,
          labels,
        }),
      ]),
    },
    { path: 'bootstrap/bucket.yaml', content: yamlFile(writer, name, [bucket]) },
    { path: 'bootstrap/sync.yaml', content: yamlFile(writer, name, [sync]) },
    {
      path: NAMESPACE_PATH,
      content: yamlFile(writer, name, [
        namespace({
          apiVersion: 'v1',
          kind: 'Namespace',
          metadata: {
            name,
            labels: { ...labels },
            annotations: { [OWNER_ANNOTATION]: environment.owner },
          },
        }),
      ]),
    },
    {
      path: PLATFORM_STACKS_PATH,
      content: yamlFile(writer, name, platformStackObjects(input, labels)),
    },
    ...services.map((service) =>
      serviceFile({ input, writer, labels, platformDependencies }, service),
    ),
    ...infisicalFiles(input, writer, labels, renderedHeader(name)),
  ];
  const infisical = files.some((file) => file.path.startsWith(`${INFISICAL_FOLDER}/`));
  files.push(
    folderKustomization(writer, name, 'platform', files),
    folderKustomization(writer, name, 'bootstrap', files),
    folderKustomization(writer, name, 'environment', files, INFISICAL_FOLDER),
    ...(infisical ? [folderKustomization(writer, name, INFISICAL_FOLDER, files)] : []),
  );
  return files.sort((a, b) => compareText(a.path, b.path));
}

export { serviceFilePath };
