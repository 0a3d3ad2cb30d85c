import { createHash } from 'node:crypto';
import { loadAll } from 'js-yaml';
import { DEFAULT_ENVIRONMENT_TYPES } from '../../src/domain/environment-types/catalogue.js';
import type {
  RenderedFile,
  RenderInput,
  RenderService,
  RenderSettings,
} from '../../src/domain/render/render-environment.js';

export const SETTINGS: RenderSettings = {
  registryHost: 'registry.example.test:5000',
  registryInsecure: true,
  registrySecretName: 'registry-pull',
  bucket: {
    name: 'rendered',
    endpoint: 'minio.platform.example.test:9000',
    insecure: true,
    secretName: 'rendered-bucket',
    region: 'us-east-1',
  },
  fluxNamespace: 'flux-system',
  platformStacks: { sourceName: 'platform-stacks', sourceKind: 'GitRepository' },
  interval: '5m',
};

export function digestOf(text: string): string {
  return `sha256:${createHash('sha256').update(text).digest('hex')}`;
}

export function service(
  name: string,
  tag: string,
  dependsOn: readonly string[] = [],
  extra: Partial<RenderService> = {},
): RenderService {
  return {
    name,
    dependsOn,
    path: './',
    env: {},
    image: { repository: `docker-releases/${name}`, tag, digest: digestOf(`${name}:${tag}`) },
    deployment: {
      repository: `oci-releases/${name}-ansible`,
      tag,
      digest: digestOf(`${name}-ansible:${tag}`),
    },
    ...extra,
  };
}

/** The seed's example claim services: api-gateway → user-service → auth-service. */
export const SERVICES: readonly RenderService[] = [
  service('user-service', 'v1.2.3', ['auth-service'], { port: 8080, env: { LOG_LEVEL: 'debug' } }),
  service('auth-service', 'v2.1.0'),
  service('api-gateway', 'v1.0.5', ['user-service', 'auth-service'], { port: 8000 }),
];

export const TYPE_NAMES = ['dev', 'staging', 'prod', 'sue'] as const;

export function inputFor(
  type: string,
  overrides: Partial<RenderInput> = {},
  name = `${type}-team1-feature-x`,
): RenderInput {
  const environmentType = DEFAULT_ENVIRONMENT_TYPES[type];
  if (!environmentType) throw new Error(`no type ${type}`);
  return {
    environment: { name, type, pool: 'team1', owner: 'john.doe@company.com' },
    environmentType,
    services: SERVICES,
    settings: SETTINGS,
    ...overrides,
  };
}

export interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string> };
  spec?: Record<string, unknown>;
  data?: Record<string, string>;
  [key: string]: unknown;
}

/** Every YAML document of a rendered file. */
export function objectsOf(file: RenderedFile): KubeObject[] {
  return loadAll(file.content) as KubeObject[];
}

export function fileAt(files: readonly RenderedFile[], path: string): RenderedFile {
  const file = files.find((candidate) => candidate.path === path);
  if (!file) throw new Error(`no file ${path} in ${files.map((f) => f.path).join(', ')}`);
  return file;
}

/** Every Kubernetes object of the YAML files (the Terraform JSON is not one). */
export function allObjects(files: readonly RenderedFile[]): KubeObject[] {
  return files.filter((file) => file.path.endsWith('.yaml')).flatMap(objectsOf);
}
