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

export function fluxKustomization(data: IKustomization): IKustomization {
  new Kustomization(data).validate();
  return data;
}

export function ociRepository(data: IOCIRepository): IOCIRepository {
  new OCIRepository(data).validate();
  return data;
}

export function fluxBucket(data: IBucket): IBucket {
  new Bucket(data).validate();
  return data;
}

export function configMap(data: IConfigMap): IConfigMap {
  new ConfigMap(data).validate();
  return data;
}

export function namespace(data: INamespace): INamespace {
  new Namespace(data).validate();
  return data;
}

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
