import {
  ClusterRoleBinding,
  type IClusterRoleBinding,
} from 'kubernetes-models/rbac.authorization.k8s.io/v1';
import { ServiceAccount, type IServiceAccount } from 'kubernetes-models/v1';
import { BOOTSTRAP_NAME, environmentKeyPrefix } from '../bootstrap.js';
import { FLUX_KUSTOMIZE_API, fluxKustomization } from '../flux-objects.js';
import { SERVICE_LABEL } from '../labels.js';
import type { RenderSettings } from '../render-input.js';
import {
  IDENTITIES_CONFIGMAP,
  INFISICAL_KUSTOMIZATION,
  type InfisicalScope,
  type ScopedIdentity,
} from './infisical-scope.js';

/** The folder the `platform-secrets` Kustomization applies (not the environment's sync). */
export const INFISICAL_FOLDER = 'environment/infisical';
export const INFISICAL_KUSTOMIZATION_PATH = 'environment/infisical.yaml';

/** The operator's API (github.com/Infisical/kubernetes-operator, `InfisicalSecret`). */
export const INFISICAL_SECRET_API = 'secrets.infisical.com/v1alpha1';

/** The fields of `InfisicalSecret` the renderer writes (CRD of operator v0.11.5). */
export interface InfisicalSecret {
  apiVersion: typeof INFISICAL_SECRET_API;
  kind: 'InfisicalSecret';
  metadata: { name: string; namespace: string; labels: Record<string, string> };
  spec: {
    hostAPI: string;
    syncConfig: { resyncInterval: string };
    authentication: {
      kubernetesAuth: {
        identityId: string;
        autoCreateServiceAccountToken: boolean;
        serviceAccountRef: { name: string; namespace: string };
        secretsScope: {
          projectSlug: string;
          envSlug: string;
          secretsPath: string;
          recursive: boolean;
        };
      };
    };
    managedKubeSecretReferences: {
      secretName: string;
      secretNamespace: string;
      creationPolicy: 'Owner' | 'Orphan';
    }[];
  };
}

function validated<T>(Model: new (data: T) => { validate(): void }, data: T): T {
  new Model(data).validate();
  return data;
}

function labelsOf(
  identity: ScopedIdentity,
  labels: Readonly<Record<string, string>>,
): Record<string, string> {
  return identity.role === 'service'
    ? { ...labels, [SERVICE_LABEL]: identity.subject }
    : { ...labels };
}

/**
 * The service account each identity logs in as (the operator asks the API server for its
 * token: nothing is stored), and one ClusterRoleBinding to `system:auth-delegator`, which
 * Infisical's Kubernetes auth needs when it reviews a login token with that token itself.
 */
export function identityObjects(
  scope: InfisicalScope,
  labels: Readonly<Record<string, string>>,
): (IServiceAccount | IClusterRoleBinding)[] {
  const accounts = scope.identities.map((identity) =>
    validated<IServiceAccount>(ServiceAccount, {
      apiVersion: 'v1',
      kind: 'ServiceAccount',
      metadata: { ...identity.serviceAccount, labels: labelsOf(identity, labels) },
    }),
  );
  const review = validated<IClusterRoleBinding>(ClusterRoleBinding, {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'ClusterRoleBinding',
    // One environment per cluster: a fixed name, whatever the environment's length.
    metadata: { name: 'platform-infisical-token-review', labels: { ...labels } },
    roleRef: {
      apiGroup: 'rbac.authorization.k8s.io',
      kind: 'ClusterRole',
      name: 'system:auth-delegator',
    },
    subjects: scope.identities.map((identity) => ({
      kind: 'ServiceAccount',
      ...identity.serviceAccount,
    })),
  });
  return [...accounts, review];
}

/**
 * An `InfisicalSecret` per identity: the operator logs in with Kubernetes auth as the
 * identity (its id substituted by Flux from `infisical-identities`) and writes the folder's
 * secrets into a Kubernetes Secret it owns (`<service>-secrets` in the environment's
 * namespace; `environment-secrets` in the Flux namespace for `/<environment>` itself).
 */
export function infisicalSecrets(
  scope: InfisicalScope,
  labels: Readonly<Record<string, string>>,
  interval: string,
): InfisicalSecret[] {
  return scope.identities.map((identity) => ({
    apiVersion: INFISICAL_SECRET_API,
    kind: 'InfisicalSecret',
    metadata: {
      name: identity.managedSecret.name,
      namespace: identity.managedSecret.namespace,
      labels: labelsOf(identity, labels),
    },
    spec: {
      hostAPI: scope.settings.hostAPI,
      syncConfig: { resyncInterval: interval },
      authentication: {
        kubernetesAuth: {
          identityId: `\${${identity.idVariable}}`,
          autoCreateServiceAccountToken: true,
          serviceAccountRef: { ...identity.serviceAccount },
          secretsScope: {
            projectSlug: scope.projectSlug,
            envSlug: scope.envSlug,
            secretsPath: identity.secretPath,
            // The environment's own secrets only; each service reads its folder and below.
            recursive: identity.role === 'service',
          },
        },
      },
      managedKubeSecretReferences: [
        {
          secretName: identity.managedSecret.name,
          secretNamespace: identity.managedSecret.namespace,
          creationPolicy: 'Owner',
        },
      ],
    },
  }));
}

/**
 * `environment/infisical.yaml`: the Flux Kustomization that applies `environment/infisical/`
 * from the environment's bucket with the identities' ids substituted from the
 * `infisical-identities` ConfigMap. It stays not ready until the platform's Terraform has
 * written that ConfigMap, so no `InfisicalSecret` is applied with an unknown identity.
 */
export function infisicalKustomization(
  settings: RenderSettings,
  environment: string,
  labels: Readonly<Record<string, string>>,
) {
  return fluxKustomization({
    apiVersion: FLUX_KUSTOMIZE_API,
    kind: 'Kustomization',
    metadata: {
      name: INFISICAL_KUSTOMIZATION,
      namespace: settings.fluxNamespace,
      labels: { ...labels },
    },
    spec: {
      interval: settings.interval,
      sourceRef: { kind: 'Bucket', name: BOOTSTRAP_NAME },
      path: `./${environmentKeyPrefix(settings, environment)}${INFISICAL_FOLDER}`,
      prune: true,
      postBuild: { substituteFrom: [{ kind: 'ConfigMap', name: IDENTITIES_CONFIGMAP }] },
    },
  });
}
