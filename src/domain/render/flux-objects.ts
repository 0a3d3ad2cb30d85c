import {
  Kustomization,
  type IKustomization,
} from '@kubernetes-models/flux-cd/kustomize.toolkit.fluxcd.io/v1/Kustomization';
import {
  Bucket,
  type IBucket,
} from '@kubernetes-models/flux-cd/source.toolkit.fluxcd.io/v1/Bucket';
import {
  OCIRepository,
  type IOCIRepository,
} from '@kubernetes-models/flux-cd/source.toolkit.fluxcd.io/v1/OCIRepository';
import { ConfigMap, Namespace, type IConfigMap, type INamespace } from 'kubernetes-models/v1';
import type { YamlOutput } from './yaml-writer.js';

/** A rendered object: the plain data that is written, already validated against its schema. */
export type RenderedObject = IKustomization | IOCIRepository | IBucket | IConfigMap | INamespace;

// The objects are written as built (key order is the builder's, so the text is stable);
// the model classes are only used to validate that data against the Flux and Kubernetes
// OpenAPI schemas. A failure is a renderer bug: inputs were checked before.

/** `data` itself, once its model class has validated it. */
function validated<T>(Model: new (data: T) => { validate(): void }, data: T): T {
  new Model(data).validate();
  return data;
}

export const fluxKustomization = (data: IKustomization) => validated(Kustomization, data);
export const ociRepository = (data: IOCIRepository) => validated(OCIRepository, data);
export const fluxBucket = (data: IBucket) => validated(Bucket, data);
export const configMap = (data: IConfigMap) => validated(ConfigMap, data);
export const namespace = (data: INamespace) => validated(Namespace, data);

export const FLUX_KUSTOMIZE_API = 'kustomize.toolkit.fluxcd.io/v1';
export const FLUX_SOURCE_API = 'source.toolkit.fluxcd.io/v1';

/** First line of every rendered YAML file. */
export function renderedHeader(environment: string): string {
  return `# Rendered by the platform service for environment ${environment}. Do not edit: change the claim.\n`;
}

/** A YAML file of several objects, with the header; the writer is the render's. */
export function yamlFile(
  writer: YamlOutput,
  environment: string,
  objects: readonly unknown[],
): string {
  return renderedHeader(environment) + writer.writeDocuments(objects);
}

/**
 * A plain kustomize `kustomization.yaml` listing `resources` (sorted by the caller): with it
 * Flux applies exactly the listed files, instead of every YAML file it finds in the folder.
 */
export function kustomizeFile(
  writer: YamlOutput,
  environment: string,
  resources: readonly string[],
): string {
  return yamlFile(writer, environment, [
    {
      apiVersion: 'kustomize.config.k8s.io/v1beta1',
      kind: 'Kustomization',
      resources: [...resources],
    },
  ]);
}
