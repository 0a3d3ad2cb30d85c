import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { environmentPageSchema } from '../../src/api/schemas/environments.js';
import { deploymentHistorySchema } from '../../src/api/schemas/deployments.js';
import { startRegistry, type TestRegistry } from '../support/oci-registry.js';
import type { TestPlatform } from '../support/test-platform.js';
import {
  createEnvironment,
  deployPlatform,
  deploymentOf,
  pushService,
  renderedYaml,
  type Pushed,
} from './deploy-harness.js';

let registry: TestRegistry;
let platform: TestPlatform;
const pushed: Record<string, Pushed> = {};

beforeAll(async () => {
  registry = await startRegistry();
  for (const [service, tag] of [
    ['user-service', 'v1.0.0'],
    ['user-service', 'v1.1.0'],
    ['user-service', 'v2.0.0'],
    ['auth-service', 'v1.0.0'],
    ['auth-service', '1.3.0'],
    ['extra', '0.1.0'],
  ] as const) {
    pushed[`${service}:${tag}`] = await pushService(registry.url, service, tag);
  }
  // An image without its deployment files is not deployable: v1.5.0 must never be picked.
  const { pushArtifact } = await import('../support/oci-push.js');
  await pushArtifact(registry.url, 'docker-releases/user-service', 'v1.5.0');
  platform = await deployPlatform(registry.url, {
    tokens: { 'carol-token': { subject: 'carol@example.com' } },
  });
}, 60_000);

afterAll(async () => {
  await platform?.close();
  await registry?.stop();
});

describe('from a claim to rendered desired state', () => {
  it('resolves constraints to digests, follows dependencies and renders the two parts', async () => {
    const created = await createEnvironment(platform, {
      environment_name: 'dev-render',
      environment_type: 'dev',
      services: { 'user-service': '1.x' },
      deploy_only_specified: true,
    });
    expect(created.status).toBe(201);
    const deployment = await deploymentOf(platform, 'dev-render');
    expect(deployment).toMatchObject({ phase: 'Rendered', reason: null, revision: 1 });
    expect(Object.keys(deployment.resolved).sort()).toEqual(['auth-service', 'user-service']);
    expect(deployment.resolved['user-service']).toEqual({
      constraint: '1.x',
      source: 'claim',
      stream: 'release',
      image: {
        repository: 'docker-releases/user-service',
        tag: 'v1.1.0',
        digest: pushed['user-service:v1.1.0']?.image,
      },
      deployment: {
        repository: 'oci-releases/user-service-ansible',
        tag: 'v1.1.0',
        digest: pushed['user-service:v1.1.0']?.deployment,
      },
    });
    // auth-service comes from the closure with its default `^1.0.0`: the highest is 1.3.0.
    expect(deployment.resolved['auth-service']).toMatchObject({
      source: 'default',
      image: { tag: '1.3.0', digest: pushed['auth-service:1.3.0']?.image },
    });

    const [source, sync] = await renderedYaml(
      platform,
      'dev-render',
      'environment/services/user-service.yaml',
    );
    expect(source).toMatchObject({
      kind: 'OCIRepository',
      spec: {
        url: `oci://${registry.host}/oci-releases/user-service-ansible`,
        ref: { digest: pushed['user-service:v1.1.0']?.deployment },
        insecure: true,
      },
    });
    expect(sync).toMatchObject({
      kind: 'Kustomization',
      spec: {
        targetNamespace: 'dev-render',
        dependsOn: [{ name: 'auth-service' }],
        postBuild: {
          substitute: {
            ENVIRONMENT_NAME: 'dev-render',
            SERVICE_VERSION: 'v1.1.0',
            SERVICE_IMAGE: `${registry.host}/docker-releases/user-service@${pushed['user-service:v1.1.0']?.image}`,
            LOG_LEVEL: 'debug',
          },
        },
      },
    });
    const [claim] = await renderedYaml(platform, 'dev-render', 'platform/cluster-claim.yaml');
    expect(claim).toMatchObject({ kind: 'EnvironmentCluster', spec: { environmentType: 'dev' } });
    const bootstrap = await renderedYaml(platform, 'dev-render', 'bootstrap/bucket.yaml');
    expect(bootstrap[0]).toMatchObject({
      kind: 'Bucket',
      spec: { bucketName: 'rendered', prefix: 'dev-render/environment/' },
    });
  });

  it('rewrites nothing when nothing changed (Flux sees no churn)', async () => {
    const file = join(
      platform.bucketsDir,
      'rendered',
      'dev-render',
      'environment/services/user-service.yaml',
    );
    const before = await stat(file, { bigint: true });
    const outcome = await platform.deployer?.deploy('dev-render', 'interval');
    expect(outcome?.changed).toBe(false);
    const after = await stat(file, { bigint: true });
    expect([after.ino, after.mtimeNs]).toEqual([before.ino, before.mtimeNs]);
    expect((await deploymentOf(platform, 'dev-render')).revision).toBe(1);
  });

  it('re-resolves to a newer matching tag, records the change, rolls back and pins', async () => {
    pushed['user-service:v1.2.0'] = await pushService(registry.url, 'user-service', 'v1.2.0');
    const outcome = await platform.deployer?.deploy('dev-render', 'interval');
    expect(outcome?.changed).toBe(true);
    const history = deploymentHistorySchema.parse(
      await (await platform.call('GET', '/api/v1/environments/dev-render/history')).json(),
    );
    expect(history.revision).toBe(2);
    expect(history.items.map((item) => [item.revision, item.reason])).toEqual([
      [2, 'newer-version'],
      [1, 'created'],
    ]);
    expect(history.items[0]?.changes).toEqual([
      {
        service: 'user-service',
        from: { tag: 'v1.1.0', digest: pushed['user-service:v1.1.0']?.image },
        to: { tag: 'v1.2.0', digest: pushed['user-service:v1.2.0']?.image },
      },
    ]);

    const rolled = await platform.call('POST', '/api/v1/environments/dev-render/rollback', {
      body: { revision: 1 },
    });
    expect(rolled.status).toBe(200);
    expect(await rolled.json()).toMatchObject({
      phase: 'Rendered',
      revision: 3,
      pinned_revision: 1,
      resolved: { 'user-service': { image: { tag: 'v1.1.0' } } },
    });
    const [source] = await renderedYaml(
      platform,
      'dev-render',
      'environment/services/user-service.yaml',
    );
    expect(source).toMatchObject({
      spec: { ref: { digest: pushed['user-service:v1.1.0']?.deployment } },
    });

    // Pinned: a re-resolution keeps the restored versions.
    expect((await platform.deployer?.deploy('dev-render', 'interval'))?.changed).toBe(false);
    // A change to the claim's services lifts the pin.
    const patched = await platform.call('PATCH', '/api/v1/environments/dev-render', {
      body: { services: { 'user-service': '>=1.0.0, <2.0.0' } },
    });
    expect(patched.status).toBe(200);
    const after = await deploymentOf(platform, 'dev-render');
    expect(after).toMatchObject({ phase: 'Rendered', revision: 4, pinned_revision: null });
    expect(after.resolved['user-service']?.image.tag).toBe('v1.2.0');
  });

  it('audits the re-resolver and the rollback', async () => {
    const response = await platform.call('GET', '/api/v1/audit?target=environment/dev-render');
    const page = (await response.json()) as {
      items: { actor: string; action: string; decision: string }[];
    };
    const actions = page.items.map((item) => `${item.actor} ${item.action}`);
    expect(actions).toContain('system:version-reresolver environment:update');
    expect(actions).toContain('alice@example.com environment:update');
  });

  it('refuses a rollback to a revision the history does not hold', async () => {
    const response = await platform.call('POST', '/api/v1/environments/dev-render/rollback', {
      body: { revision: 99 },
    });
    expect(response.status).toBe(400);
    const problem = (await response.json()) as { errors: { path: string; message: string }[] };
    expect(problem.errors[0]).toEqual({
      path: 'revision',
      message: 'revision 99 is not in the history (kept: 1–4)',
    });
    const bad = await platform.call('POST', '/api/v1/environments/dev-render/rollback', {
      body: { revision: 'one' },
    });
    expect(bad.status).toBe(400);
  });

  it('lets only readers see history and only updaters roll back', async () => {
    const history = await platform.call('GET', '/api/v1/environments/dev-render/history', {
      token: 'carol-token',
    });
    expect(history.status).toBe(403);
    const rollback = await platform.call('POST', '/api/v1/environments/dev-render/rollback', {
      token: 'carol-token',
      body: { revision: 1 },
    });
    expect(rollback.status).toBe(403);
    expect((await platform.call('GET', '/api/v1/environments/nope/history')).status).toBe(404);
    expect((await platform.call('PUT', '/api/v1/environments/dev-render/history')).status).toBe(
      405,
    );
  });

  it('deploys the whole catalogue for the type unless deploy-only-specified', async () => {
    expect(
      (
        await createEnvironment(platform, {
          environment_name: 'dev-whole',
          environment_type: 'dev',
          services: { 'auth-service': 'v1.0.0' },
        })
      ).status,
    ).toBe(201);
    const deployment = await deploymentOf(platform, 'dev-whole');
    expect(deployment.phase).toBe('Rendered');
    expect(
      Object.fromEntries(
        Object.entries(deployment.resolved).map(([name, service]) => [name, service.image.tag]),
      ),
    ).toEqual({ 'auth-service': 'v1.0.0', extra: '0.1.0', 'user-service': 'v2.0.0' });
  });

  it('refuses constraints in prod, naming the service, and unknown services', async () => {
    const prod = await createEnvironment(platform, {
      environment_name: 'prod-main',
      environment_type: 'prod',
      services: { 'user-service': '^1.0.0' },
    });
    expect(prod.status).toBe(400);
    const problem = (await prod.json()) as { errors: { path: string; message: string }[] };
    expect(problem.errors).toEqual([
      {
        path: 'services.user-service',
        message:
          "'^1.0.0' is a '^' constraint; environment type 'prod' accepts only anchored tags (v1.2.3)",
      },
    ]);
    const unknown = await createEnvironment(platform, {
      environment_name: 'dev-unknown',
      environment_type: 'dev',
      services: { 'nope-service': '*' },
    });
    expect(unknown.status).toBe(400);
    const unknownProblem = (await unknown.json()) as { errors: { path: string }[] };
    expect(unknownProblem.errors.map((error) => error.path)).toEqual(['services.nope-service']);
    const anchored = await createEnvironment(platform, {
      environment_name: 'prod-main',
      environment_type: 'prod',
      services: { 'user-service': 'v1.1.0' },
    });
    expect(anchored.status).toBe(201);
    const deployment = await deploymentOf(platform, 'prod-main');
    expect(deployment.phase).toBe('Rendered');
    const stacks = await renderedYaml(platform, 'prod-main', 'environment/platform-stacks.yaml');
    expect(stacks.map((object) => object.metadata.name)).toContain('platform-waf');
    const dev = await renderedYaml(platform, 'dev-render', 'environment/platform-stacks.yaml');
    expect(dev.map((object) => object.metadata.name)).not.toContain('platform-waf');
  });

  it('fails an environment whose constraint matches nothing, and says why', async () => {
    await createEnvironment(platform, {
      environment_name: 'dev-nomatch',
      environment_type: 'dev',
      services: { 'user-service': '^5.0.0' },
      deploy_only_specified: true,
    });
    const deployment = await deploymentOf(platform, 'dev-nomatch');
    expect(deployment.phase).toBe('Failed');
    expect(deployment.reason).toMatch(/^user-service: no tag satisfies '\^5\.0\.0'/);
    expect(deployment.revision).toBe(0);
  });

  it('lists each environment with its phase and versions, and filters by phase', async () => {
    const good = await createEnvironment(platform, {
      environment_name: 'dev-listed',
      environment_type: 'dev',
      services: { 'user-service': '1.0.x' },
      deploy_only_specified: true,
    });
    expect(good.status).toBe(201);
    const bad = await createEnvironment(platform, {
      environment_name: 'dev-listed-bad',
      environment_type: 'dev',
      services: { 'user-service': '^7.0.0' },
      deploy_only_specified: true,
    });
    expect(bad.status).toBe(201);
    await platform.deployer?.idle();
    const list = async (query: string) => {
      const response = await platform.call('GET', `/api/v1/environments?q=dev-listed${query}`);
      expect(response.status).toBe(200);
      const page = environmentPageSchema.parse(await response.json());
      return page.items.map((item) => [
        item.environment_name,
        item.status.phase,
        item.status.versions,
      ]);
    };
    expect(await list('')).toEqual([
      ['dev-listed', 'Rendered', { 'auth-service': '1.3.0', 'user-service': 'v1.0.0' }],
      ['dev-listed-bad', 'Failed', {}],
    ]);
    expect(await list('&phase=Failed')).toEqual([['dev-listed-bad', 'Failed', {}]]);
    expect(await list('&phase=Pending')).toEqual([]);
    const refused = await platform.call('GET', '/api/v1/environments?phase=Done');
    expect(refused.status).toBe(400);
  });

  it('removes the rendered prefix and the record when the environment is deleted', async () => {
    const dir = join(platform.bucketsDir, 'rendered', 'dev-whole');
    expect((await stat(dir)).isDirectory()).toBe(true);
    // Its Infisical identities live in these files only: the Terraform state the platform
    // applies and the InfisicalSecrets the environment's Flux applies.
    const terraform = JSON.parse(
      await readFile(join(dir, 'infisical', 'main.tf.json'), 'utf8'),
    ) as { resource: { infisical_identity: Record<string, { name: string }> } };
    expect(Object.keys(terraform.resource.infisical_identity)).toContain('flux');
    expect((await stat(join(dir, 'environment', 'infisical', 'secrets.yaml'))).isFile()).toBe(true);
    expect((await platform.call('DELETE', '/api/v1/environments/dev-whole')).status).toBe(204);
    await platform.deployer?.idle();
    await expect(stat(dir)).rejects.toThrow();
    // No other environment's files name its identities.
    const others = await readdir(join(platform.bucketsDir, 'rendered'));
    expect(others.length).toBeGreaterThan(0);
    for (const other of others) {
      const text = await readFile(
        join(platform.bucketsDir, 'rendered', other, 'infisical', 'main.tf.json'),
        'utf8',
      );
      for (const identity of Object.values(terraform.resource.infisical_identity))
        expect(text).not.toContain(`"${identity.name}"`);
    }
    await expect(
      readFile(join(platform.bucketsDir, 'deployments', 'dev-whole.json')),
    ).rejects.toThrow();
  });
});

describe("explicit artifact references (the seed's user repositories)", () => {
  it('deploys exactly the referenced artifacts, the registry alias dropped', async () => {
    const { pushArtifact } = await import('../support/oci-push.js');
    const repo = 'user-repos/johndoe-local-repo';
    const image = await pushArtifact(registry.url, `${repo}/auth-service`, 'v1.0.0');
    const files = await pushArtifact(registry.url, `${repo}/auth-service-ansible`, 'v1.0.0', {
      kind: 'artifact',
    });
    await createEnvironment(platform, {
      environment_name: 'dev-local',
      environment_type: 'dev',
      deploy_only_specified: true,
      services: {
        'auth-service': {
          version: 'v1.0.0',
          docker_image: `artifactory/${repo}/auth-service:v1.0.0`,
          ansible_artifact: `artifactory/${repo}/auth-service-ansible:v1.0.0`,
        },
      },
    });
    const deployment = await deploymentOf(platform, 'dev-local');
    expect(deployment.reason).toBeNull();
    expect(deployment.resolved['auth-service']).toEqual({
      constraint: 'v1.0.0',
      source: 'explicit',
      stream: 'release',
      image: { repository: `${repo}/auth-service`, tag: 'v1.0.0', digest: image.digest },
      deployment: {
        repository: `${repo}/auth-service-ansible`,
        tag: 'v1.0.0',
        digest: files.digest,
      },
    });
  });
});

describe('dev tags', () => {
  it('sue environments resolve from the snapshot repositories', async () => {
    const dev = await pushService(registry.url, 'auth-service', '1.4.0-dev.3', 'dev');
    await pushService(registry.url, 'auth-service', '1.4.0-dev.2', 'dev');
    await createEnvironment(platform, {
      environment_name: 'sue-try',
      environment_type: 'sue',
      services: { 'auth-service': '1.x' },
      deploy_only_specified: true,
    });
    const deployment = await deploymentOf(platform, 'sue-try');
    expect(deployment.resolved['auth-service']).toMatchObject({
      stream: 'dev',
      image: { repository: 'docker-snapshots/auth-service', tag: '1.4.0-dev.3', digest: dev.image },
    });
  });

  it('use_dev_tags on a dev environment does the same', async () => {
    await createEnvironment(platform, {
      environment_name: 'dev-snap',
      environment_type: 'dev',
      services: { 'auth-service': '*' },
      deploy_only_specified: true,
      use_dev_tags: true,
    });
    const deployment = await deploymentOf(platform, 'dev-snap');
    expect(deployment.resolved['auth-service']?.image.tag).toBe('1.4.0-dev.3');
  });
});
