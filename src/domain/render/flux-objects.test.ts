import type { IKustomization } from '@kubernetes-models/flux-cd/kustomize.toolkit.fluxcd.io/v1/Kustomization';
import type { IOCIRepository } from '@kubernetes-models/flux-cd/source.toolkit.fluxcd.io/v1/OCIRepository';
import { describe, expect, it } from 'vitest';
import {
  FLUX_KUSTOMIZE_API,
  FLUX_SOURCE_API,
  fluxKustomization,
  ociRepository,
} from './flux-objects.js';

const kustomization: IKustomization = {
  apiVersion: FLUX_KUSTOMIZE_API,
  kind: 'Kustomization',
  metadata: { name: 'user-service', namespace: 'flux-system' },
  spec: {
    interval: '5m',
    prune: true,
    sourceRef: { kind: 'OCIRepository', name: 'user-service' },
  },
};

describe('the Flux object validators', () => {
  it('return the data itself when it passes its schema', () => {
    expect(fluxKustomization(kustomization)).toBe(kustomization);
  });

  it('throw for data that fails its schema', () => {
    const { sourceRef: _, ...withoutSource } = kustomization.spec!;
    expect(() =>
      fluxKustomization({
        ...kustomization,
        spec: withoutSource as NonNullable<IKustomization['spec']>,
      }),
    ).toThrow(/sourceRef/);
    const repository = {
      apiVersion: FLUX_SOURCE_API,
      kind: 'OCIRepository',
      metadata: { name: 'user-service' },
      spec: { interval: '5m', url: 'https://not-oci.example.com/x' },
    } as IOCIRepository;
    expect(() => ociRepository(repository)).toThrow(/url/);
  });
});
