/**
 * Builds the kustomize overlays under deploy/kubernetes with the real `kubectl kustomize`
 * and validates every object against its Kubernetes (or Prometheus Operator) schema.
 */
import { execFile } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { ServiceMonitor } from '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/ServiceMonitor';
import { Deployment } from 'kubernetes-models/apps/v1';
import { NetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1';
import {
  ConfigMap,
  PersistentVolumeClaim,
  Service,
  ServiceAccount,
  type IContainer,
  type IPodSpec,
} from 'kubernetes-models/v1';
import { parseAllDocuments } from 'yaml';

export const KUBERNETES_DIR = fileURLToPath(new URL('../../deploy/kubernetes/', import.meta.url));

/** A built object as kustomize prints it; typed views come from the model classes. */
export interface KubeObject {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata: {
    readonly name: string;
    readonly namespace?: string;
    readonly labels?: Record<string, string>;
  };
  readonly [key: string]: unknown;
}

interface Validatable {
  validate(): void;
}

/**
 * The kinds the manifests may contain, each with the model that validates it. A kind not
 * listed here fails the build: nothing reaches a cluster unchecked.
 */
const MODELS: Readonly<Record<string, new (data: never) => Validatable>> = {
  'v1/ConfigMap': ConfigMap,
  'v1/PersistentVolumeClaim': PersistentVolumeClaim,
  'v1/Service': Service,
  'v1/ServiceAccount': ServiceAccount,
  'apps/v1/Deployment': Deployment,
  'policy/v1/PodDisruptionBudget': PodDisruptionBudget,
  'networking.k8s.io/v1/NetworkPolicy': NetworkPolicy,
  'monitoring.coreos.com/v1/ServiceMonitor': ServiceMonitor,
};

/** Throws when the object's kind has no schema here or the object breaks its schema. */
export function validateObject(object: KubeObject): void {
  const key = `${object.apiVersion}/${object.kind}`;
  const Model = MODELS[key];
  if (Model === undefined) {
    throw new Error(`${object.kind} ${object.metadata.name}: no schema for ${key}`);
  }
  new Model(object as never).validate();
}

/** The overlay directories under deploy/kubernetes/overlays. */
export function overlayNames(): string[] {
  return readdirSync(`${KUBERNETES_DIR}overlays`, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort();
}

/** `kubectl kustomize <dir>` parsed into objects (every document must be YAML). */
export async function kustomize(dir: string): Promise<KubeObject[]> {
  const { stdout } = await promisify(execFile)('kubectl', ['kustomize', dir], {
    maxBuffer: 16 * 1024 * 1024,
  });
  return parseAllDocuments(stdout).map((document) => {
    const [error] = document.errors;
    if (error !== undefined) throw new Error(`kubectl kustomize ${dir}: ${error.message}`);
    return document.toJS() as KubeObject;
  });
}

/** The one object of a kind (and name, when given); throws when there is not exactly one. */
export function only<T = KubeObject>(
  objects: readonly KubeObject[],
  kind: string,
  name?: string,
): T {
  const found = objects.filter(
    (object) => object.kind === kind && (name === undefined || object.metadata.name === name),
  );
  if (found.length !== 1) {
    throw new Error(`expected one ${kind} ${name ?? ''}, found ${found.length}`);
  }
  return found[0] as T;
}

export interface DeploymentView extends KubeObject {
  readonly spec: {
    readonly replicas?: number;
    readonly strategy?: { readonly type?: string };
    readonly selector: { readonly matchLabels: Record<string, string> };
    readonly template: {
      readonly metadata: { readonly labels: Record<string, string> };
      readonly spec: IPodSpec;
    };
  };
}

/** The platform container of the Deployment. */
export function platformContainer(deployment: DeploymentView): IContainer {
  const container = deployment.spec.template.spec.containers.find((c) => c.name === 'platform');
  if (container === undefined) throw new Error('no container named platform');
  return container;
}

/** Whether every label of `selector` is on `labels`. */
export function selects(
  selector: Readonly<Record<string, string>> | undefined,
  labels: Readonly<Record<string, string>> | undefined,
): boolean {
  const wanted = Object.entries(selector ?? {});
  return wanted.length > 0 && wanted.every(([key, value]) => labels?.[key] === value);
}
