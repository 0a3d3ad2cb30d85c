import { afterEach, describe, expect, it } from 'vitest';
import { startRegistry } from '../support/oci-registry.js';
import { sampleValue } from '../support/prometheus-text.js';
import {
  createEnvironment,
  deployPlatform,
  deploymentOf,
  pushService,
} from '../deploy/deploy-harness.js';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

describe('the deployer metrics (real docker-registry)', () => {
  it('show the deployment phases, the queue and the registry failing by operation', async () => {
    const registry = await startRegistry();
    cleanups.push(() => registry.stop());
    await pushService(registry.url, 'auth-service', 'v1.0.0');
    const platform = await deployPlatform(registry.url);
    cleanups.push(() => platform.close());
    const scrape = async (): Promise<string> => {
      const response = await platform.call('GET', '/metrics');
      expect(response.status).toBe(200);
      return response.text();
    };

    const created = await createEnvironment(platform, {
      environment_name: 'dev-metrics',
      environment_type: 'dev',
      services: { 'auth-service': '*' },
      deploy_only_specified: true,
    });
    expect(created.status).toBe(201);
    expect((await deploymentOf(platform, 'dev-metrics')).phase).toBe('Rendered');
    let text = await scrape();
    expect(sampleValue(text, 'platform_environment_deployments', { phase: 'Rendered' })).toBe(1);
    expect(sampleValue(text, 'platform_deployer_queue_depth')).toBe(0);
    expect(
      sampleValue(text, 'platform_dependency_errors_total', { dependency: 'registry' }),
    ).toBeUndefined();

    // The registry goes away: the next decision fails, and the failing call is counted.
    await registry.stop();
    await platform.deployer?.deploy('dev-metrics', 'interval');
    expect((await deploymentOf(platform, 'dev-metrics')).phase).toBe('Failed');
    text = await scrape();
    expect(sampleValue(text, 'platform_environment_deployments', { phase: 'Failed' })).toBe(1);
    expect(
      sampleValue(text, 'platform_environment_deployments', { phase: 'Rendered' }),
    ).toBeUndefined();
    expect(
      sampleValue(text, 'platform_dependency_errors_total', { dependency: 'registry' }),
    ).toBeGreaterThanOrEqual(1);
  });
});
