import { describe, expect, it } from 'vitest';
import { DEFAULT_ENVIRONMENT_TYPES } from '../environment-types/catalogue.js';
import type { EnvironmentType } from '../environment-types/environment-type.js';
import { clusterClaimSpecSchema } from './cluster-claim-schema.js';
import { clusterClaim, clusterClaimSpec, nodePoolSize } from './cluster-claim.js';
import { DEFAULT_CLUSTER_SETTINGS } from './render-input.js';

function typeOf(name: string): EnvironmentType {
  const type = DEFAULT_ENVIRONMENT_TYPES[name];
  if (!type) throw new Error(name);
  return type;
}

function specFor(name: string, cluster = DEFAULT_CLUSTER_SETTINGS) {
  return clusterClaimSpec({
    environment: { name: `${name}-a`, type: name, pool: 'team1', owner: 'a@b.c' },
    environmentType: typeOf(name),
    cluster,
    labels: {},
  });
}

describe('nodePoolSize', () => {
  it.each([
    ['dev', 'general-public', { min: 1, max: 3 }],
    ['sue', 'general-restricted', { min: 1, max: 3 }],
    ['staging', 'general-public', { min: 3, max: 6 }],
    ['staging', 'memory', { min: 1, max: 6 }],
    ['prod', 'general-restricted', { min: 3, max: 10 }],
    ['prod', 'ai', { min: 1, max: 10 }],
    ['dev', 'spot', { min: 1, max: 3 }],
  ] as const)('%s %s → %o', (type, pool, expected) => {
    expect(nodePoolSize(pool, typeOf(type))).toEqual(expected);
  });

  it('gives an HA type with an aggressive profile three core nodes', () => {
    const type = { ...typeOf('dev'), ha: true };
    expect(nodePoolSize('general-public', type)).toEqual({ min: 3, max: 3 });
  });
});

describe('clusterClaimSpec', () => {
  it.each(['dev', 'staging', 'prod', 'sue'])(
    '%s: node pools, HA and profile from the type',
    (name) => {
      const spec = specFor(name);
      const type = typeOf(name);
      expect(clusterClaimSpecSchema.parse(spec)).toEqual(spec);
      expect(spec.nodePools.map((pool) => pool.name)).toEqual(type.nodePools);
      expect(spec.controlPlane).toEqual({ highAvailability: type.ha });
      expect(spec.autoscaling.profile).toBe(type.autoscaling);
    },
  );

  it('taints the restricted, spot and ai pools and labels every pool', () => {
    const spec = specFor('prod');
    const tainted = spec.nodePools.filter((pool) => pool.taints.length > 0).map((p) => p.name);
    expect(tainted).toEqual(['general-restricted', 'spot', 'ai']);
    for (const pool of spec.nodePools)
      expect(pool.labels).toEqual({ 'platform.example.io/node-pool': pool.name });
  });

  it('passes the Kubernetes version when the settings pin one', () => {
    const spec = specFor('dev', { ...DEFAULT_CLUSTER_SETTINGS, kubernetesVersion: 'v1.33.0+1' });
    expect(spec.controlPlane.kubernetesVersion).toBe('v1.33.0+1');
  });

  it('throws TypeError for settings the schema refuses', () => {
    expect(() => specFor('dev', { ...DEFAULT_CLUSTER_SETTINGS, vpcCidr: '10.0.0.0/8' })).toThrow(
      TypeError,
    );
    expect(() => specFor('dev', { ...DEFAULT_CLUSTER_SETTINGS, region: 'New York' })).toThrow(
      TypeError,
    );
  });
});

describe('clusterClaim', () => {
  it('selects the Vultr composition and asks for the kubeconfig secret', () => {
    const claim = clusterClaim({
      environment: { name: 'dev-a', type: 'dev', pool: 'team1', owner: 'a@b.c' },
      environmentType: typeOf('dev'),
      cluster: DEFAULT_CLUSTER_SETTINGS,
      labels: { x: 'y' },
    });
    expect(claim).toMatchObject({
      apiVersion: 'platform.example.io/v1alpha1',
      kind: 'EnvironmentCluster',
      metadata: {
        name: 'dev-a',
        namespace: 'platform-environments',
        labels: { x: 'y' },
        annotations: { 'platform.example.io/owner': 'a@b.c' },
      },
      spec: {
        compositionSelector: { matchLabels: { provider: 'vultr' } },
        writeConnectionSecretToRef: { name: 'dev-a-kubeconfig' },
      },
    });
  });
});
