import type { IKustomization } from '@kubernetes-models/flux-cd/kustomize.toolkit.fluxcd.io/v1/Kustomization';
import type { IBucket } from '@kubernetes-models/flux-cd/source.toolkit.fluxcd.io/v1/Bucket';
import {
  FLUX_KUSTOMIZE_API,
  FLUX_SOURCE_API,
  fluxBucket,
  fluxKustomization,
} from './flux-objects.js';
import type { RenderSettings } from './render-input.js';

/** Name of the bootstrap `Bucket` and `Kustomization` on the environment cluster. */
export const BOOTSTRAP_NAME = 'platform-environment';

/** The key prefix of an environment's rendered files in the bucket: `[keyPrefix]<env>/`. */
export function environmentKeyPrefix(settings: RenderSettings, environment: string): string {
  return `${settings.bucket.keyPrefix ?? ''}${environment}/`;
}

/**
 * Part 3: what the environment cluster starts from once Flux runs there. A Flux `Bucket`
 * that lists only the environment's `environment/` folder (server-side `prefix`), and a
 * Flux `Kustomization` applying that folder with pruning, so a file removed from the bucket
 * removes its objects. Flux keeps the object keys in the artifact, hence the full key
 * prefix in `path`.
 */
export function bootstrapObjects(
  settings: RenderSettings,
  environment: string,
  labels: Readonly<Record<string, string>>,
): { bucket: IBucket; sync: IKustomization } {
  const folder = `${environmentKeyPrefix(settings, environment)}environment`;
  const metadata = { name: BOOTSTRAP_NAME, namespace: settings.fluxNamespace, labels };
  const { bucket: target } = settings;
  const bucket = fluxBucket({
    apiVersion: FLUX_SOURCE_API,
    kind: 'Bucket',
    metadata,
    spec: {
      interval: settings.interval,
      provider: 'generic',
      bucketName: target.name,
      endpoint: target.endpoint,
      prefix: `${folder}/`,
      ...(target.region === undefined ? {} : { region: target.region }),
      ...(target.insecure === true ? { insecure: true } : {}),
      ...(target.secretName === undefined ? {} : { secretRef: { name: target.secretName } }),
    },
  });
  const sync = fluxKustomization({
    apiVersion: FLUX_KUSTOMIZE_API,
    kind: 'Kustomization',
    metadata,
    spec: {
      interval: settings.interval,
      sourceRef: { kind: 'Bucket', name: BOOTSTRAP_NAME },
      path: `./${folder}`,
      prune: true,
    },
  });
  return { bucket, sync };
}
