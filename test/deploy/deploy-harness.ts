import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { expect } from 'vitest';
import { load } from 'js-yaml';
import { deploymentStatusSchema } from '../../src/api/schemas/deployments.js';
import { pushArtifact } from '../support/oci-push.js';
import { createTestPlatform, type TestPlatform } from '../support/test-platform.js';

/** A small catalogue: user-service needs auth-service; `extra` only joins whole-catalogue dev deploys. */
export const TEST_CATALOGUE = `services:
  user-service:
    dependsOn: [auth-service]
    port: 8080
    env: { LOG_LEVEL: debug }
    versions: { prod: v1.0.0, staging: '>=1.0.0, <2.0.0', default: '*' }
  auth-service:
    versions: { prod: v1.0.0, default: '^1.0.0' }
  extra:
    types: [dev]
    versions: { default: '*' }
`;

export interface Pushed {
  readonly image: string;
  readonly deployment: string;
}

/** Pushes both artifacts of a service version (the image and its `-ansible` deployment files). */
export async function pushService(
  registryUrl: string,
  service: string,
  tag: string,
  stream: 'release' | 'dev' = 'release',
): Promise<Pushed> {
  const [images, deployments] =
    stream === 'release'
      ? ['docker-releases', 'oci-releases']
      : ['docker-snapshots', 'oci-snapshots'];
  const image = await pushArtifact(registryUrl, `${images}/${service}`, tag, {
    kind: 'image',
    content: `${service} ${tag} binary`,
  });
  const deployment = await pushArtifact(registryUrl, `${deployments}/${service}-ansible`, tag, {
    kind: 'artifact',
    content: `${service} ${tag} kustomization`,
  });
  return { image: image.digest, deployment: deployment.digest };
}

/** A platform with the deployer on, pointed at `registryUrl`; the index is loaded. */
export async function deployPlatform(
  registryUrl: string,
  options: {
    catalogue?: string;
    /** More YAML lines inside `deploy:` (indented two spaces). */
    extraConfig?: string;
    tokens?: Record<string, { subject: string; groups?: string[] }>;
  } = {},
): Promise<TestPlatform> {
  const platform = await createTestPlatform({
    files: { 'services.yaml': options.catalogue ?? TEST_CATALOGUE },
    configYaml: `deploy:
  catalogue: ./services.yaml
  registry:
    url: ${registryUrl}
    cacheTtl: 1ms
    timeout: 2s
    retries: 0
  resolveInterval: 1h
${options.extraConfig ?? ''}`,
    ...(options.tokens ? { tokens: options.tokens } : {}),
  });
  await platform.start();
  return platform;
}

export async function createEnvironment(
  platform: TestPlatform,
  body: Record<string, unknown>,
): Promise<Response> {
  return platform.call('POST', '/api/v1/environments', {
    body: { environment_pool: 'team1', ...body },
  });
}

/** GET the environment once the deployer is idle; returns its parsed `status.deployment`. */
export async function deploymentOf(platform: TestPlatform, name: string) {
  await platform.deployer?.idle();
  const response = await platform.call('GET', `/api/v1/environments/${name}`);
  expect(response.status).toBe(200);
  const view = (await response.json()) as { status: { deployment?: unknown } };
  return deploymentStatusSchema.parse(view.status.deployment);
}

/** A rendered Kubernetes object, loosely typed: tests match it with `toMatchObject`. */
export interface RenderedObject {
  readonly kind: string;
  readonly metadata: { readonly name: string };
  readonly spec?: unknown;
}

export async function renderedFile(platform: TestPlatform, name: string, path: string) {
  return readFile(join(platform.bucketsDir, 'rendered', name, path), 'utf8');
}

export async function renderedYaml(platform: TestPlatform, name: string, path: string) {
  const text = await renderedFile(platform, name, path);
  return text
    .split(/^---$/m)
    .map((document) => load(document))
    .filter((document) => document !== null && document !== undefined) as RenderedObject[];
}
