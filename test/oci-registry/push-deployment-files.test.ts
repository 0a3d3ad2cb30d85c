import { execFile } from 'node:child_process';
import { chmod, mkdir, mkdtemp, readFile, rm, symlink, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOciRegistry } from '../../src/adapters/oci-registry/oci-registry.js';
import {
  localRepositoryName,
  pushDeploymentFiles,
  pushLocalImage,
} from '../../src/adapters/oci-registry/push/index.js';
import { createPushClient } from '../../src/adapters/oci-registry/push/push-client.js';
import { createVersionResolver } from '../../src/app/version-resolver.js';
import { InputError } from '../../src/domain/errors.js';
import type { SelectedService } from '../../src/domain/services/deploy-selection.js';
import { parseConstraint } from '../../src/domain/versions/constraint.js';
import { startRegistry, type TestRegistry } from '../support/oci-registry.js';
import { sha256, writeOciLayout } from './local-image-fixtures.js';

const run = promisify(execFile);
const USER_REPO = localRepositoryName('John.Doe@Example.com');
const REPO = `${USER_REPO}/user-service-ansible`;

let registry: TestRegistry;
let dir: string;
let files: string;

beforeAll(async () => {
  registry = await startRegistry();
  dir = await mkdtemp(join(tmpdir(), 'push-files-'));
  files = join(dir, 'ansible');
  await mkdir(join(files, 'roles', 'user-service', 'tasks'), { recursive: true });
  await writeFile(join(files, 'playbook.yml'), '- hosts: all\n  roles: [user-service]\n');
  await writeFile(join(files, 'roles', 'user-service', 'tasks', 'main.yml'), '- debug: {}\n');
  await writeFile(join(files, 'deploy.sh'), '#!/bin/sh\n');
  await chmod(join(files, 'deploy.sh'), 0o755);
});
afterAll(async () => {
  await registry?.stop();
  await rm(dir, { recursive: true, force: true });
});

const at = (iso: string) => () => new Date(iso);

describe('pushDeploymentFiles', () => {
  it('pushes the files as a Flux-style artifact that unpacks to the same files', async () => {
    const pushed = await pushDeploymentFiles({
      registryUrl: registry.url,
      repository: REPO,
      tag: 'dev-snapshot',
      directory: files,
      now: at('2026-12-06T10:00:00Z'),
    });
    const client = createPushClient({ registryUrl: registry.url });
    const response = await client.get(
      `v2/${REPO}/manifests/dev-snapshot`,
      'application/vnd.oci.image.manifest.v1+json',
    );
    expect(sha256(response.body)).toBe(pushed.digest);
    const manifest = JSON.parse(Buffer.from(response.body).toString('utf8')) as {
      config: { mediaType: string };
      layers: { mediaType: string; digest: string }[];
      annotations: Record<string, string>;
    };
    expect(manifest.config.mediaType).toBe('application/vnd.cncf.flux.config.v1+json');
    expect(manifest.layers).toHaveLength(1);
    expect(manifest.layers[0]).toMatchObject({
      mediaType: 'application/vnd.cncf.flux.content.v1.tar+gzip',
      digest: pushed.contentDigest,
    });
    expect(manifest.annotations['org.opencontainers.image.created']).toBe(
      '2026-12-06T10:00:00.000Z',
    );

    const layer = await client.get(`v2/${REPO}/blobs/${pushed.contentDigest}`);
    const archive = join(dir, 'layer.tar.gz');
    await writeFile(archive, layer.body);
    const out = join(dir, 'unpacked');
    await mkdir(out);
    await run('tar', ['-xzf', archive, '-C', out]);
    expect(await readFile(join(out, 'playbook.yml'), 'utf8')).toBe(
      '- hosts: all\n  roles: [user-service]\n',
    );
    expect(await readFile(join(out, 'roles/user-service/tasks/main.yml'), 'utf8')).toBe(
      '- debug: {}\n',
    );
    const { stdout } = await run('tar', ['-tzvf', archive]);
    expect(stdout).toMatch(/^-rwxr-xr-x 0\/0 .* deploy\.sh$/m);
  });

  it('gives the same digests for the same directory, whatever the files` mtimes', async () => {
    const push = (tag: string, now: string) =>
      pushDeploymentFiles({
        registryUrl: registry.url,
        repository: REPO,
        tag,
        directory: files,
        now: at(now),
      });
    const first = await push('a', '2026-12-06T11:00:00Z');
    await utimes(join(files, 'playbook.yml'), new Date(), new Date(2001, 1, 1));
    const second = await push('b', '2026-12-06T11:00:00Z');
    expect(second.digest).toBe(first.digest);
    expect(second.contentDigest).toBe(first.contentDigest);
    // A later push: the same content, a new created annotation, so a new manifest.
    const later = await push('c', '2026-12-06T12:00:00Z');
    expect(later.contentDigest).toBe(first.contentDigest);
    expect(later.digest).not.toBe(first.digest);
    // Changed content: a new layer.
    await writeFile(join(files, 'vars.yml'), 'x: 1\n');
    const changed = await push('d', '2026-12-06T11:00:00Z');
    expect(changed.contentDigest).not.toBe(first.contentDigest);
    await rm(join(files, 'vars.yml'));
  });

  it('is what the deployer resolves for explicit references into the user repository', async () => {
    const layout = join(dir, 'layout');
    await writeOciLayout(layout, 'user-service');
    const image = await pushLocalImage({
      registryUrl: registry.url,
      repository: `${USER_REPO}/user-service`,
      tag: 'dev-snapshot',
      source: layout,
    });
    const deployment = await pushDeploymentFiles({
      registryUrl: registry.url,
      repository: REPO,
      tag: 'dev-snapshot',
      directory: files,
    });
    const resolver = createVersionResolver({
      registry: createOciRegistry({ url: registry.url }),
      sources: {
        registryAliases: ['artifactory'],
        release: { images: 'docker-releases', deployments: 'oci-releases' },
        dev: { images: 'docker-snapshots', deployments: 'oci-snapshots' },
      },
    });
    const service: SelectedService = {
      name: 'user-service',
      // The seed's `dev-snapshot` is not a version constraint: the claim names a version, the
      // explicit references the tags pushed.
      constraint: parseConstraint('v1.2.3'),
      source: 'claim',
      dependsOn: [],
      path: './',
      env: {},
      artifacts: { image: 'user-service', deployment: 'user-service-ansible' },
      explicit: {
        docker_image: `artifactory/${USER_REPO}/user-service:dev-snapshot`,
        ansible_artifact: `artifactory/${REPO}:dev-snapshot`,
      },
    };
    const resolution = await resolver.resolve([service], 'dev');
    expect(resolution).toEqual({
      ok: true,
      resolved: {
        'user-service': {
          constraint: 'v1.2.3',
          source: 'explicit',
          stream: 'dev',
          image: {
            repository: `${USER_REPO}/user-service`,
            tag: 'dev-snapshot',
            digest: image.digest,
          },
          deployment: { repository: REPO, tag: 'dev-snapshot', digest: deployment.digest },
        },
      },
    });
  });

  it('refuses a symbolic link, an empty directory, a bad repository', async () => {
    const linked = join(dir, 'linked');
    await mkdir(linked);
    await symlink('/etc/passwd', join(linked, 'passwd'));
    const base = { registryUrl: registry.url, repository: REPO, tag: 'x' };
    await expect(pushDeploymentFiles({ ...base, directory: linked })).rejects.toThrow(
      /not a regular file/,
    );
    const empty = join(dir, 'empty');
    await mkdir(empty);
    await expect(pushDeploymentFiles({ ...base, directory: empty })).rejects.toThrow(/no files/);
    await expect(
      pushDeploymentFiles({ ...base, repository: 'A/B', directory: files }),
    ).rejects.toBeInstanceOf(InputError);
  });
});
