import { afterAll, beforeAll, expect, it } from 'vitest';
import { createFsNotificationOutbox } from '../../src/adapters/fs-notification-outbox/fs-notification-outbox.js';
import { startRegistry, type TestRegistry } from '../support/oci-registry.js';
import { createTestPlatform, type TestPlatform } from '../support/test-platform.js';
import {
  createEnvironment,
  deploymentOf,
  pushService,
  TEST_CATALOGUE,
} from '../deploy/deploy-harness.js';

let registry: TestRegistry;
let platform: TestPlatform;

beforeAll(async () => {
  registry = await startRegistry();
  await pushService(registry.url, 'user-service', 'v1.0.0');
  platform = await createTestPlatform({
    files: { 'services.yaml': TEST_CATALOGUE },
    configYaml: `deploy:
  catalogue: ./services.yaml
  registry: { url: ${registry.url}, cacheTtl: 1ms, timeout: 2s, retries: 0 }
  resolveInterval: 1h
notifications:
  sinks:
    - { name: ops, url: 'http://127.0.0.1:9/hook', events: [failed] }
`,
  });
  await platform.start();
}, 60_000);
afterAll(async () => {
  await platform.close();
  await registry.stop();
});

it('a deployment that fails queues one failed event with the reason, durably', async () => {
  const created = await createEnvironment(platform, {
    environment_name: 'dev-nomatch',
    environment_type: 'dev',
    services: { 'user-service': '^5.0.0' },
    deploy_only_specified: true,
  });
  expect(created.status).toBe(201);
  const deployment = await deploymentOf(platform, 'dev-nomatch');
  expect(deployment.phase).toBe('Failed');

  // No sender runs in this harness (it is a leader loop): the event waits in the outbox.
  const outbox = await createFsNotificationOutbox(platform.bucketsDir);
  const pending = await outbox.pending(10);
  expect(pending).toHaveLength(1);
  expect(pending[0]).toMatchObject({
    sink: 'ops',
    event: { type: 'failed', environment: 'dev-nomatch', environment_type: 'dev' },
  });
  expect(pending[0]?.event.reason).toBe(deployment.reason);
  // The sink asked for `failed` only: no `created` was queued for it.
  expect(pending.some((delivery) => delivery.event.type === 'created')).toBe(false);
});
