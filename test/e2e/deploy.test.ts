import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pushService } from '../deploy/deploy-harness.js';
import { startRegistry, type TestRegistry } from '../support/oci-registry.js';
import { runNode } from '../support/run-process.js';
import {
  CLI,
  installE2eHooks,
  makeTempDir,
  startServer,
  waitFor,
  type ServerHandle,
} from './serve-helper.js';

installE2eHooks();

interface Deployment {
  phase: string;
  revision: number;
  resolved: Record<string, { image: { tag: string; digest: string } }>;
}
interface View {
  status: { deployment?: Deployment };
}

let registry: TestRegistry;
let catalogue: string;

beforeAll(async () => {
  registry = await startRegistry();
  await pushService(registry.url, 'auth-service', 'v1.0.0');
  catalogue = join(await makeTempDir('platform-e2e-catalogue-'), 'services.yaml');
  await writeFile(
    catalogue,
    'services:\n  auth-service:\n    versions: { default: "*", staging: "^1.0.0", prod: v1.0.0 }\n',
  );
}, 30_000);
afterAll(async () => {
  await registry?.stop();
});

const deployYaml = () => `deploy:
  catalogue: ${catalogue}
  registry: { url: '${registry.url}', cacheTtl: 1ms }
  resolveInterval: 200ms
`;

async function renderedPhase(server: ServerHandle, name: string): Promise<Deployment | undefined> {
  const response = await server.request<View>('GET', `/api/v1/environments/${name}`);
  const deployment = response.body.status.deployment;
  return deployment?.phase === 'Rendered' ? deployment : undefined;
}

describe('platformctl serve with the deployer', () => {
  it(
    'renders a new environment, follows a newer tag on its interval, and keeps history across a restart',
    { timeout: 60_000 },
    async () => {
      let server = await startServer({ extraYaml: deployYaml() });
      const created = await server.request('POST', '/api/v1/environments', {
        environment_name: 'dev-e2e',
        environment_type: 'dev',
        environment_pool: 'team1',
        services: { 'auth-service': '^1.0.0' },
      });
      expect(created.status).toBe(201);
      const first = await waitFor('the first render', () => renderedPhase(server, 'dev-e2e'));
      expect(first.resolved['auth-service']?.image.tag).toBe('v1.0.0');
      const file = join(
        server.dataDir,
        'buckets',
        'rendered',
        'dev-e2e',
        'environment',
        'services',
        'auth-service.yaml',
      );
      expect(await readFile(file, 'utf8')).toContain(first.resolved['auth-service']?.image.tag);

      await pushService(registry.url, 'auth-service', 'v1.1.0');
      await waitFor('the re-resolution to v1.1.0', async () => {
        const deployment = await renderedPhase(server, 'dev-e2e');
        return deployment?.resolved['auth-service']?.image.tag === 'v1.1.0'
          ? deployment
          : undefined;
      });
      expect(server.logLines().some((line) => line.msg === 'environment rendered')).toBe(true);

      const { dataDir } = server;
      expect((await server.stop()).code).toBe(0);
      server = await startServer({ dataDir, extraYaml: deployYaml() });
      const history = await server.request<{ items: { revision: number; reason: string }[] }>(
        'GET',
        '/api/v1/environments/dev-e2e/history',
      );
      expect(history.body.items.map((item) => [item.revision, item.reason])).toEqual([
        [2, 'newer-version'],
        [1, 'created'],
      ]);
      expect((await server.stop()).code).toBe(0);
    },
  );

  it(
    'refuses to start with a catalogue that has a dependency cycle, naming it',
    { timeout: 30_000 },
    async () => {
      const dir = await makeTempDir('platform-e2e-cycle-');
      await writeFile(
        join(dir, 'services.yaml'),
        'services:\n  a: { dependsOn: [b], versions: { default: v1.0.0 } }\n  b: { dependsOn: [a], versions: { default: v1.0.0 } }\n',
      );
      await writeFile(
        join(dir, 'platform.yaml'),
        `deploy:\n  catalogue: ./services.yaml\n  registry: { url: '${registry.url}' }\n`,
      );
      const run = await runNode(
        [CLI, 'serve', '--config', join(dir, 'platform.yaml'), '--port', '0', '--data-dir', dir],
        { cwd: dir },
      );
      expect(run.code).toBe(2);
      expect(run.stderr).toContain('services.a.dependsOn.0: dependency cycle: a → b → a');
    },
  );
});
