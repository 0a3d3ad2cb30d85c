import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { configFileSchema } from '../../src/config/config-schema.js';
import { ENV_VARS } from '../../src/config/env-vars.js';
import { loadConfig } from '../../src/config/load-config.js';
import { parseTenancy } from '../../src/domain/tenancy/parse-tenancy.js';
import {
  KUBERNETES_DIR,
  kustomize,
  only,
  overlayNames,
  platformContainer,
  selects,
  validateObject,
  type DeploymentView,
  type KubeObject,
} from './kustomize-build.js';

// deploy/kubernetes (issue 15): every overlay is built by the real `kubectl kustomize`,
// every object checked against its schema, then the properties the issue asks for.

const SECRET_ENV = ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'PGPASSWORD'] as const;
/** Secrets the pod gets from the Secret at run time; the loader only needs them present. */
const SECRET_VALUES = { PGPASSWORD: 'placeholder' };
const built = new Map<string, KubeObject[]>();
const temp: string[] = [];

beforeAll(async () => {
  for (const overlay of overlayNames()) {
    built.set(overlay, await kustomize(`${KUBERNETES_DIR}overlays/${overlay}`));
  }
}, 60_000);

afterAll(async () => {
  await Promise.all(temp.map((dir) => rm(dir, { recursive: true, force: true })));
});

function objectsOf(overlay: string): KubeObject[] {
  const objects = built.get(overlay);
  if (objects === undefined) throw new Error(`overlay ${overlay} was not built`);
  return objects;
}

function deploymentOf(overlay: string): DeploymentView {
  return only<DeploymentView>(objectsOf(overlay), 'Deployment', 'platform-service');
}

/** The ConfigMap the Deployment mounts, and the path it is mounted at. */
function mountedConfig(overlay: string): { data: Record<string, string>; mountPath: string } {
  const deployment = deploymentOf(overlay);
  const volume = deployment.spec.template.spec.volumes?.find((v) => v.configMap !== undefined);
  const mount = platformContainer(deployment).volumeMounts?.find((m) => m.name === volume?.name);
  const name = volume?.configMap?.name;
  if (name === undefined || mount === undefined) throw new Error('no mounted ConfigMap');
  const configMap = only<{ data: Record<string, string> }>(objectsOf(overlay), 'ConfigMap', name);
  return { data: configMap.data, mountPath: mount.mountPath };
}

/** The platform config the pod reads, parsed by the platform's own loader. */
async function podConfig(overlay: string) {
  const { data, mountPath } = mountedConfig(overlay);
  const env = Object.fromEntries(
    (platformContainer(deploymentOf(overlay)).env ?? []).map((e) => [e.name, e.value]),
  );
  const configPath = env[ENV_VARS.config];
  expect(configPath?.startsWith(`${mountPath}/`), `${ENV_VARS.config} under ${mountPath}`).toBe(
    true,
  );
  const key = configPath!.slice(mountPath.length + 1);
  const text = data[key];
  if (text === undefined) throw new Error(`the ConfigMap has no ${key}`);
  const file = configFileSchema.parse(parse(text));

  const dir = await mkdtemp(join(tmpdir(), 'kustomize-config-'));
  temp.push(dir);
  await Promise.all(
    Object.entries(data).map(([name, content]) => writeFile(join(dir, name), content)),
  );
  const config = await loadConfig({
    configPath: join(dir, key),
    env: { ...env, ...SECRET_VALUES },
  });
  return { file, config, data };
}

describe('the schema check', () => {
  it('refuses a kind it has no schema for, and an object that breaks its schema', () => {
    const secret = { apiVersion: 'v1', kind: 'Secret', metadata: { name: 's' } };
    expect(() => validateObject(secret)).toThrow(/no schema for v1\/Secret/);
    const deployment = structuredClone(deploymentOf('embedded')) as unknown as {
      spec: { replicas: unknown };
    };
    deployment.spec.replicas = 'three';
    expect(() => validateObject(deployment as unknown as KubeObject)).toThrow(/replicas/);
  });
});

it('has the overlays the issue names', () => {
  expect(overlayNames()).toEqual(expect.arrayContaining(['embedded', 'ha']));
});

// Every overlay directory, including any added later, gets the same checks.
describe.each(overlayNames())('overlay %s', (overlay) => {
  it('has the base objects, each valid against its schema, in one namespace', () => {
    const objects = objectsOf(overlay);
    for (const object of objects) validateObject(object);
    const kinds = objects.map((o) => o.kind);
    for (const kind of [
      'Deployment',
      'Service',
      'ConfigMap',
      'ServiceAccount',
      'PodDisruptionBudget',
      'NetworkPolicy',
      'ServiceMonitor',
    ]) {
      expect(kinds, kind).toContain(kind);
    }
    expect(new Set(objects.map((o) => o.metadata.namespace))).toEqual(new Set(['platform']));
    // No secret is ever committed: the Secret is the user's.
    expect(kinds).not.toContain('Secret');
  });

  it('runs as non-root on a read-only root filesystem, without a service-account token', () => {
    const deployment = deploymentOf(overlay);
    const pod = deployment.spec.template.spec;
    const container = platformContainer(deployment);
    expect(pod.securityContext?.runAsNonRoot).toBe(true);
    expect(pod.securityContext?.runAsUser).toBeGreaterThan(0);
    expect(pod.securityContext?.seccompProfile?.type).toBe('RuntimeDefault');
    expect(container.securityContext?.readOnlyRootFilesystem).toBe(true);
    expect(container.securityContext?.allowPrivilegeEscalation).toBe(false);
    expect(container.securityContext?.capabilities?.drop).toEqual(['ALL']);
    expect(pod.automountServiceAccountToken).toBe(false);
    const account = only<{ automountServiceAccountToken?: boolean }>(
      objectsOf(overlay),
      'ServiceAccount',
      pod.serviceAccountName,
    );
    expect(account.automountServiceAccountToken).toBe(false);
  });

  it('probes /healthz for liveness and /readyz for readiness on the API port', () => {
    const container = platformContainer(deploymentOf(overlay));
    const ports = new Map((container.ports ?? []).map((p) => [p.name, p.containerPort]));
    expect(container.livenessProbe?.httpGet?.path).toBe('/healthz');
    expect(container.readinessProbe?.httpGet?.path).toBe('/readyz');
    for (const probe of [container.livenessProbe, container.readinessProbe]) {
      expect(ports.get(probe?.httpGet?.port as string)).toBe(8080);
    }
    expect(container.resources?.requests?.['cpu']).toBeDefined();
    expect(container.resources?.requests?.['memory']).toBeDefined();
  });

  it('writes only to the data directory', () => {
    const container = platformContainer(deploymentOf(overlay));
    const writable = (container.volumeMounts ?? []).filter((m) => m.readOnly !== true);
    const dataDir = container.env?.find((e) => e.name === ENV_VARS.dataDir)?.value;
    expect(writable.map((m) => m.mountPath)).toEqual([dataDir]);
  });

  it('wires the Service, PDB, NetworkPolicy and ServiceMonitor to the pods and named ports', () => {
    const objects = objectsOf(overlay);
    const deployment = deploymentOf(overlay);
    const podLabels = deployment.spec.template.metadata.labels;
    const containerPorts = new Set(platformContainer(deployment).ports?.map((p) => p.name));
    expect(selects(deployment.spec.selector.matchLabels, podLabels)).toBe(true);

    const service = only<{
      metadata: { labels: Record<string, string> };
      spec: { selector: Record<string, string>; ports: { name: string; targetPort: string }[] };
    }>(objects, 'Service');
    expect(selects(service.spec.selector, podLabels)).toBe(true);
    for (const port of service.spec.ports) expect(containerPorts).toContain(port.targetPort);

    const pdb = only<{ spec: { selector: { matchLabels: Record<string, string> } } }>(
      objects,
      'PodDisruptionBudget',
    );
    expect(selects(pdb.spec.selector.matchLabels, podLabels)).toBe(true);

    const policy = only<{
      spec: {
        podSelector: { matchLabels: Record<string, string> };
        ingress: { ports: { port: string }[] }[];
      };
    }>(objects, 'NetworkPolicy');
    expect(selects(policy.spec.podSelector.matchLabels, podLabels)).toBe(true);
    const allowed = policy.spec.ingress.flatMap((rule) => rule.ports.map((p) => p.port));
    expect(allowed.sort()).toEqual(['http', 'metrics']);

    const monitor = only<{
      spec: {
        selector: { matchLabels: Record<string, string> };
        endpoints: { port: string; path: string }[];
      };
    }>(objects, 'ServiceMonitor');
    expect(selects(monitor.spec.selector.matchLabels, service.metadata.labels)).toBe(true);
    expect(monitor.spec.endpoints).toEqual([
      expect.objectContaining({ port: 'metrics', path: '/metrics' }),
    ]);
    expect(service.spec.ports.map((p) => p.name)).toContain('metrics');
  });

  it("mounts a platform config that the platform's own schema and loader accept", async () => {
    const { file, config, data } = await podConfig(overlay);
    expect(file.server.host).toBe('0.0.0.0');
    expect(file.server.port).toBe(8080);
    expect((file as { metrics?: { port?: number } }).metrics?.port).toBe(9090);
    expect(config.server).toMatchObject({ host: '0.0.0.0', port: 8080 });
    // The tenancy file the config names is in the same ConfigMap, and is a valid model.
    const tenancyKey = file.tenancy?.replace(/^\.\//, '');
    const tenancy = tenancyKey === undefined ? undefined : data[tenancyKey];
    expect(tenancy, 'the tenancy file is in the ConfigMap').toBeDefined();
    expect(() => parseTenancy(tenancy!, { source: tenancyKey! })).not.toThrow();
  });
});

describe('overlay embedded', () => {
  it('runs one replica on a PersistentVolumeClaim, stopping the old pod first', async () => {
    const deployment = deploymentOf('embedded');
    expect(deployment.spec.replicas).toBe(1);
    expect(deployment.spec.strategy?.type).toBe('Recreate');
    const claim = only(objectsOf('embedded'), 'PersistentVolumeClaim');
    const container = platformContainer(deployment);
    const dataDir = container.env?.find((e) => e.name === ENV_VARS.dataDir)?.value;
    const mount = container.volumeMounts?.find((m) => m.mountPath === dataDir);
    const volume = deployment.spec.template.spec.volumes?.find((v) => v.name === mount?.name);
    expect(volume?.persistentVolumeClaim?.claimName).toBe(claim.metadata.name);
    expect(volume?.emptyDir).toBeUndefined();
    const { config } = await podConfig('embedded');
    expect(config.store.type).toBe('fs');
    expect(config.index.type).toBe('memory');
  });
});

describe('overlay ha', () => {
  it('runs three replicas on S3 and PostgreSQL', async () => {
    const deployment = deploymentOf('ha');
    expect(deployment.spec.replicas).toBe(3);
    expect(objectsOf('ha').map((o) => o.kind)).not.toContain('PersistentVolumeClaim');
    const { config } = await podConfig('ha');
    expect(config.store.type).toBe('s3');
    expect(config.index.type).toBe('postgres');
    if (config.index.type === 'postgres') {
      // The password comes from PGPASSWORD, never from the ConfigMap.
      expect(new URL(config.index.postgres.url).password).toBe('');
    }
  });

  it('takes every secret from the Secret platform-secrets, none as a literal', () => {
    const env = platformContainer(deploymentOf('ha')).env ?? [];
    for (const name of SECRET_ENV) {
      const variable = env.find((e) => e.name === name);
      expect(variable?.value, name).toBeUndefined();
      expect(variable?.valueFrom?.secretKeyRef, name).toEqual({
        name: 'platform-secrets',
        key: name,
      });
    }
    const events = env.find((e) => e.name === ENV_VARS.bucketEventsToken);
    expect(events?.valueFrom?.secretKeyRef).toMatchObject({
      name: 'platform-secrets',
      optional: true,
    });
  });
});

describe('the Containerfile and the manifests agree', () => {
  it('on the image tag: the package version', async () => {
    const { version } = JSON.parse(
      await readFile(new URL('../../package.json', import.meta.url), 'utf8'),
    ) as { version: string };
    for (const overlay of overlayNames()) {
      expect(platformContainer(deploymentOf(overlay)).image).toBe(`platform-service:${version}`);
    }
  });

  it('on the user and the data directory', async () => {
    const containerfile = await readFile(new URL('../../Containerfile', import.meta.url), 'utf8');
    const user = /^USER (\d+):(\d+)$/m.exec(containerfile);
    const dataDir = /PLATFORM_DATA_DIR=(\S+)/.exec(containerfile)?.[1];
    expect(user, 'a numeric USER uid:gid').not.toBeNull();
    expect(containerfile).toContain(`VOLUME ["${dataDir}"]`);
    expect(containerfile).not.toMatch(/^HEALTHCHECK/m);
    expect(containerfile).toMatch(/^ARG NODE_IMAGE=docker\.io\/library\/node:24-slim$/m);
    for (const overlay of overlayNames()) {
      const deployment = deploymentOf(overlay);
      const pod = deployment.spec.template.spec;
      expect(pod.securityContext?.runAsUser).toBe(Number(user![1]));
      expect(pod.securityContext?.runAsGroup).toBe(Number(user![2]));
      const env = platformContainer(deployment).env ?? [];
      expect(env.find((e) => e.name === ENV_VARS.dataDir)?.value).toBe(dataDir);
    }
  });
});
