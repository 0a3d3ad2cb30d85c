import { objectName } from '../../shared/object-name.js';
import { environmentKeyPrefix } from '../bootstrap.js';
import { DEFAULT_CLUSTER_SETTINGS, type RenderSettings } from '../render-input.js';
import type { InfisicalScope } from './infisical-scope.js';
import { INFISICAL_TERRAFORM_PATH } from './infisical-terraform.js';

/** `platform/infisical-terraform.yaml`, applied by the platform cluster's Flux with the claim. */
export const INFISICAL_APPLIER_PATH = 'platform/infisical-terraform.yaml';

/** The tofu-controller API (github.com/flux-iac/tofu-controller, `Terraform`). */
export const TOFU_API = 'infra.contrib.fluxcd.io/v1alpha2';

/** The fields of tofu-controller's `Terraform` the renderer writes (CRD of v0.16.5). */
export interface TofuTerraform {
  apiVersion: typeof TOFU_API;
  kind: 'Terraform';
  metadata: { name: string; namespace: string; labels: Record<string, string> };
  spec: {
    interval: string;
    approvePlan: 'auto';
    destroyResourcesOnDeletion: boolean;
    path: string;
    sourceRef: { kind: string; name: string; namespace: string };
    varsFrom: { kind: 'Secret'; name: string; varsKeys: string[] }[];
    runnerPodTemplate: { spec: { envFrom: { secretRef: { name: string } }[] } };
  };
}

/**
 * The platform side's applier of `infisical/main.tf.json`: a tofu-controller `Terraform`
 * next to the environment's cluster claim, reading the file from the rendered bucket,
 * planning and applying on its own (`approvePlan: auto`), with the cluster's kubeconfig
 * (the claim's connection secret `<environment>-kubeconfig`) as the `kubeconfig` variable
 * and the platform's Infisical credentials as the runner's environment. When the
 * environment is deleted its prefix goes, the platform's Flux prunes this object, and
 * `destroyResourcesOnDeletion` destroys what it created: the environment's identities,
 * roles, folders and, if dedicated, its project.
 */
export function infisicalApplier(
  scope: InfisicalScope,
  settings: RenderSettings,
  labels: Readonly<Record<string, string>>,
): TofuTerraform {
  const cluster = settings.cluster ?? DEFAULT_CLUSTER_SETTINGS;
  const folder = INFISICAL_TERRAFORM_PATH.slice(0, INFISICAL_TERRAFORM_PATH.lastIndexOf('/'));
  return {
    apiVersion: TOFU_API,
    kind: 'Terraform',
    metadata: {
      // The controller labels its runner pods with this name: a label value, 63 at most.
      name: objectName([scope.environment, 'infisical']),
      namespace: cluster.claimNamespace,
      labels: { ...labels },
    },
    spec: {
      interval: settings.interval,
      approvePlan: 'auto',
      destroyResourcesOnDeletion: true,
      path: `./${environmentKeyPrefix(settings, scope.environment)}${folder}`,
      sourceRef: { ...scope.settings.platformSource },
      varsFrom: [
        { kind: 'Secret', name: `${scope.environment}-kubeconfig`, varsKeys: ['kubeconfig'] },
      ],
      runnerPodTemplate: {
        spec: { envFrom: [{ secretRef: { name: scope.settings.credentialsSecret } }] },
      },
    },
  };
}
