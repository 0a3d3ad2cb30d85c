import { mkdir, readdir, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { startVersionReresolver } from '../../src/controllers/version-reresolver.js';
import { startRegistry, type TestRegistry } from '../support/oci-registry.js';
import { createTestPlatform, type TestPlatform } from '../support/test-platform.js';
import { createEnvironment, deployPlatform, deploymentOf, pushService } from './deploy-harness.js';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function registryWith(...versions: [string, string][]): Promise<TestRegistry> {
  const registry = await startRegistry();
  cleanups.push(() => registry.stop());
  for (const [service, tag] of versions) await pushService(registry.url, service, tag);
  return registry;
}

async function platformOn(url: string): Promise<TestPlatform> {
  const platform = await deployPlatform(url);
  cleanups.push(() => platform.close());
  return platform;
}

const claim = (name: string, type: string, services: Record<string, string>) => ({
  environment_name: name,
  environment_type: type,
  environment_pool: 'team1',
  user: 'alice@example.com',
  creation_date: '2026-01-15T10:00:00Z',
  services,
});

describe('the deployer over an environment lifetime', () => {
  it('keeps the last rendered files when the registry goes away, and says so', async () => {
    const registry = await registryWith(['auth-service', 'v1.0.0']);
    const platform = await platformOn(registry.url);
    await createEnvironment(platform, {
      environment_name: 'dev-outage',
      environment_type: 'dev',
      services: { 'auth-service': '*' },
      deploy_only_specified: true,
    });
    expect((await deploymentOf(platform, 'dev-outage')).phase).toBe('Rendered');
    const file = join(
      platform.bucketsDir,
      'rendered',
      'dev-outage',
      'environment/services/auth-service.yaml',
    );
    const before = await stat(file, { bigint: true });

    await registry.stop();
    const outcome = await platform.deployer?.deploy('dev-outage', 'interval');
    expect(outcome?.changed).toBe(false);
    const deployment = await deploymentOf(platform, 'dev-outage');
    expect(deployment.phase).toBe('Failed');
    expect(deployment.reason).toMatch(/^registry unavailable: /);
    expect(deployment.revision).toBe(1);
    expect(deployment.resolved['auth-service']?.image.tag).toBe('v1.0.0');
    expect((await stat(file, { bigint: true })).mtimeNs).toBe(before.mtimeNs);
  });

  it('renders claims found at start, static ones included, and removes orphaned output', async () => {
    const registry = await registryWith(['auth-service', 'v1.0.0'], ['auth-service', 'v1.1.0']);
    const platform = await createTestPlatform({
      files: {
        'services.yaml':
          'services:\n  auth-service:\n    versions: { default: "*", staging: "^1.0.0", prod: v1.0.0 }\n',
      },
      configYaml: `deploy:\n  catalogue: ./services.yaml\n  registry: { url: '${registry.url}', cacheTtl: 1ms }\n  resolveInterval: 1h\n`,
    });
    cleanups.push(() => platform.close());
    const buckets = platform.bucketsDir;
    await writeFile(
      join(buckets, 'environments', 'dev-early.json'),
      JSON.stringify(claim('dev-early', 'dev', { 'auth-service': '*' })),
    );
    await writeFile(
      join(buckets, 'static-environments', 'prod-git.json'),
      JSON.stringify({
        ...claim('prod-git', 'prod', { 'auth-service': 'v1.0.0' }),
        deployment_method: 'git',
        git_repository: 'https://git.example.com/envs.git',
        branch: 'main',
      }),
    );
    await mkdir(join(buckets, 'rendered', 'dev-gone', 'environment'), { recursive: true });
    await writeFile(join(buckets, 'rendered', 'dev-gone', 'environment', 'x.yaml'), 'x: 1\n');

    await platform.start();
    expect((await deploymentOf(platform, 'dev-early')).resolved['auth-service']?.image.tag).toBe(
      'v1.1.0',
    );
    expect((await deploymentOf(platform, 'prod-git')).resolved['auth-service']?.image.tag).toBe(
      'v1.0.0',
    );
    expect(await platform.deployer?.removeOrphans()).toEqual(['dev-gone']);
    expect((await readdir(join(buckets, 'rendered'))).sort()).toEqual(['dev-early', 'prod-git']);
  });

  it('the re-resolution controller picks up a newer tag on its interval', async () => {
    const registry = await registryWith(['auth-service', 'v1.0.0']);
    const platform = await platformOn(registry.url);
    await createEnvironment(platform, {
      environment_name: 'dev-auto',
      environment_type: 'dev',
      services: { 'auth-service': '^1.0.0' },
      deploy_only_specified: true,
    });
    expect((await deploymentOf(platform, 'dev-auto')).revision).toBe(1);
    const lifetime = new AbortController();
    const stopped = startVersionReresolver({
      deployer: platform.deployer!,
      index: platform.index,
      intervalMs: 50,
      logger: pino({ level: 'silent' }),
      signal: lifetime.signal,
    });
    cleanups.push(async () => {
      lifetime.abort();
      await stopped;
    });
    await pushService(registry.url, 'auth-service', 'v1.0.1');
    let deployment = await deploymentOf(platform, 'dev-auto');
    for (let i = 0; i < 100 && deployment.revision < 2; i++) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      deployment = await deploymentOf(platform, 'dev-auto');
    }
    expect(deployment).toMatchObject({ phase: 'Rendered', revision: 2 });
    expect(deployment.resolved['auth-service']?.image.tag).toBe('v1.0.1');
  });
});

describe('without a deployer', () => {
  it('still applies the version policy, shows no deployment and answers 404 for history', async () => {
    const platform = await createTestPlatform();
    cleanups.push(() => platform.close());
    await platform.start();
    const prod = await platform.call('POST', '/api/v1/environments', {
      body: {
        environment_name: 'prod-x',
        environment_type: 'prod',
        environment_pool: 'team1',
        services: { api: { version: '1.x' } },
      },
    });
    expect(prod.status).toBe(400);
    expect(((await prod.json()) as { errors: { path: string }[] }).errors[0]?.path).toBe(
      'services.api.version',
    );
    const dev = await platform.call('POST', '/api/v1/environments', {
      body: {
        environment_name: 'dev-x',
        environment_type: 'dev',
        environment_pool: 'team1',
        services: { api: '*' },
      },
    });
    expect(dev.status).toBe(201);
    const view = (await (await platform.call('GET', '/api/v1/environments/dev-x')).json()) as {
      status: Record<string, unknown>;
    };
    expect(view.status.deployment).toBeUndefined();
    const history = await platform.call('GET', '/api/v1/environments/dev-x/history');
    expect(history.status).toBe(404);
    expect(((await history.json()) as { detail: string }).detail).toContain('deploy.catalogue');
  });
});
