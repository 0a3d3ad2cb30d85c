import type { IKustomization } from '@kubernetes-models/flux-cd/kustomize.toolkit.fluxcd.io/v1/Kustomization';
import type { IOCIRepository } from '@kubernetes-models/flux-cd/source.toolkit.fluxcd.io/v1/OCIRepository';
import { compareText } from '../access/serialize.js';
import {
  FLUX_KUSTOMIZE_API,
  FLUX_SOURCE_API,
  fluxKustomization,
  ociRepository,
  yamlFile,
} from './flux-objects.js';
import { IMAGE_ANNOTATION, SERVICE_LABEL, VERSION_ANNOTATION } from './labels.js';
import type { RenderInput, RenderService, RenderedFile } from './render-input.js';
import type { YamlOutput } from './yaml-writer.js';

/** What every service of one environment shares; built once per render. */
export interface ServiceContext {
  readonly input: RenderInput;
  readonly writer: YamlOutput;
  /** The environment's labels (managed-by, environment, type, pool). */
  readonly labels: Readonly<Record<string, string>>;
  /** Flux Kustomizations (the dedicated stacks) every service waits for. */
  readonly platformDependencies: readonly string[];
}

/** `environment/services/<service>.yaml`. */
export function serviceFilePath(service: string): string {
  return `environment/services/${service}.yaml`;
}

/** `<host>/<repository>@<digest>`: what the workload runs, pinned like its deployment files. */
export function imageReference(registryHost: string, service: RenderService): string {
  return `${registryHost}/${service.image.repository}@${service.image.digest}`;
}

function substitutions(context: ServiceContext, service: RenderService): Record<string, string> {
  const { environment, settings } = context.input;
  const values: [string, string][] = [
    ['ENVIRONMENT_NAME', environment.name],
    ['ENVIRONMENT_TYPE', environment.type],
    ['ENVIRONMENT_POOL', environment.pool],
    ['SERVICE_NAME', service.name],
    ['SERVICE_VERSION', service.image.tag],
    ['SERVICE_IMAGE', imageReference(settings.registryHost, service)],
    ...Object.entries(service.env),
  ];
  if (service.port !== undefined) values.push(['SERVICE_PORT', String(service.port)]);
  values.sort(([a], [b]) => compareText(a, b));
  return Object.fromEntries(values);
}

/**
 * A service's two Flux objects (seed "Service Infrastructure Integration"): an
 * `OCIRepository` for its deployment artifact, pinned to the resolved digest (the tag is
 * only an annotation: a moved tag must not change what runs), and a `Kustomization` that
 * applies the artifact's `path` into the environment's namespace after the services it
 * depends on and the dedicated gateway and authorization stacks, substituting the
 * environment's values (`${ENVIRONMENT_NAME}`, `${SERVICE_IMAGE}`, …) into the manifests.
 */
export function serviceFile(context: ServiceContext, service: RenderService): RenderedFile {
  const { environment, settings } = context.input;
  const labels = { ...context.labels, [SERVICE_LABEL]: service.name };
  const metadata = {
    name: service.name,
    namespace: settings.fluxNamespace,
    labels,
  };
  const source: IOCIRepository = ociRepository({
    apiVersion: FLUX_SOURCE_API,
    kind: 'OCIRepository',
    metadata: {
      ...metadata,
      annotations: {
        [IMAGE_ANNOTATION]: `${settings.registryHost}/${service.image.repository}:${service.image.tag}@${service.image.digest}`,
        [VERSION_ANNOTATION]: service.deployment.tag,
      },
    },
    spec: {
      interval: settings.interval,
      url: `oci://${settings.registryHost}/${service.deployment.repository}`,
      ref: { digest: service.deployment.digest },
      ...(settings.registryInsecure === true ? { insecure: true } : {}),
      ...(settings.registrySecretName === undefined
        ? {}
        : { secretRef: { name: settings.registrySecretName } }),
      ...(settings.deploymentMediaType === undefined
        ? {}
        : { layerSelector: { mediaType: settings.deploymentMediaType, operation: 'extract' } }),
    },
  });
  const dependsOn = [...new Set([...service.dependsOn, ...context.platformDependencies])]
    .sort(compareText)
    .map((name) => ({ name }));
  const kustomization: IKustomization = fluxKustomization({
    apiVersion: FLUX_KUSTOMIZE_API,
    kind: 'Kustomization',
    metadata,
    spec: {
      interval: settings.interval,
      sourceRef: { kind: 'OCIRepository', name: service.name },
      path: service.path,
      prune: true,
      // Ready only when what it applied is healthy: that is what `dependsOn` waits for.
      wait: true,
      targetNamespace: environment.name,
      ...(dependsOn.length > 0 ? { dependsOn } : {}),
      commonMetadata: { labels },
      postBuild: { substitute: substitutions(context, service) },
    },
  });
  return {
    path: serviceFilePath(service.name),
    content: yamlFile(context.writer, environment.name, [source, kustomization]),
  };
}
