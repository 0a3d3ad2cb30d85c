import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { loadAll } from 'js-yaml';
import { afterAll, describe, expect, it } from 'vitest';
import { renderEnvironment } from '../../src/domain/render/render-environment.js';
import {
  fileAt,
  inputFor,
  objectsOf,
  SETTINGS,
  TYPE_NAMES,
  type KubeObject,
} from './render-fixtures.js';

// `kubectl kustomize` builds each folder the way Flux's kustomize-controller does; machines
// without kubectl skip this (the schema tests still run).
const kubectl = spawnSync('kubectl', ['version', '--client'], { stdio: 'ignore' }).status === 0;

const root = mkdtempSync(join(tmpdir(), 'render-kustomize-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

function build(folder: string): KubeObject[] {
  const text = execFileSync('kubectl', ['kustomize', folder], { encoding: 'utf8' });
  return loadAll(text) as KubeObject[];
}

describe.skipIf(!kubectl)('rendered folders build with kustomize', () => {
  it.each(TYPE_NAMES)('%s: the bucket layout Flux sees builds every folder', (type) => {
    const settings = { ...SETTINGS, bucket: { ...SETTINGS.bucket, keyPrefix: 'rendered/' } };
    const input = inputFor(type, { settings });
    const files = renderEnvironment(input);
    // Write the files under their bucket keys: `<keyPrefix><environment>/<path>`.
    const prefix = join(root, type, 'rendered', input.environment.name);
    for (const file of files) {
      mkdirSync(dirname(join(prefix, file.path)), { recursive: true });
      writeFileSync(join(prefix, file.path), file.content);
    }
    const [sync] = objectsOf(fileAt(files, 'bootstrap/sync.yaml'));
    // The folder the bootstrap Kustomization applies, resolved in the bucket's key space.
    const applied = build(join(root, type, String(sync?.spec?.['path'])));
    const kinds = applied.map((object) => `${object.kind}/${object.metadata.name}`);
    expect(kinds).toContain(`Namespace/${input.environment.name}`);
    expect(kinds).toContain('ConfigMap/platform-endpoints');
    for (const service of input.services) {
      expect(kinds).toContain(`OCIRepository/${service.name}`);
      expect(kinds).toContain(`Kustomization/${service.name}`);
    }
    expect(kinds).toContain('Kustomization/platform-secrets');
    expect(kinds).not.toContain('InfisicalSecret/environment-secrets');
    // platform-secrets applies its own folder, also resolved in the bucket's key space.
    const [secrets] = objectsOf(fileAt(files, 'environment/infisical.yaml'));
    const infisical = build(join(root, type, String(secrets?.spec?.['path'])));
    expect(infisical.map((object) => object.kind).sort()).toEqual([
      'ClusterRoleBinding',
      ...input.services.map(() => 'InfisicalSecret'),
      'InfisicalSecret',
      ...input.services.map(() => 'ServiceAccount'),
      'ServiceAccount',
    ]);
    expect(
      build(join(prefix, 'platform'))
        .map((object) => object.kind)
        .sort(),
    ).toEqual(['EnvironmentCluster', 'Terraform']);
    expect(
      build(join(prefix, 'bootstrap'))
        .map((object) => object.kind)
        .sort(),
    ).toEqual(['Bucket', 'Kustomization']);
  });
});
