import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AUDIT_LOG_FILE } from '../../src/adapters/fs-audit-log/fs-audit-log.js';
import { localRepositoryName, pushLocalImage } from '../../src/adapters/oci-registry/push/index.js';
import { createPushClient } from '../../src/adapters/oci-registry/push/push-client.js';
import { TEST_CATALOGUE } from '../deploy/deploy-harness.js';
import { writeOciLayout } from '../oci-registry/local-image-fixtures.js';
import { startRegistry, type TestRegistry } from '../support/oci-registry.js';
import { createTestPlatform } from '../support/test-platform.js';

const HOUR = 3_600_000;
let registry: TestRegistry;
let dir: string;

beforeAll(async () => {
  registry = await startRegistry();
  dir = await mkdtemp(join(tmpdir(), 'retention-wiring-'));
  await writeOciLayout(join(dir, 'layout'), 'user-service');
});
afterAll(async () => {
  await registry?.stop();
  await rm(dir, { recursive: true, force: true });
});

const platformWith = (retention: string, users = '') =>
  createTestPlatform({
    files: { 'services.yaml': TEST_CATALOGUE },
    configYaml: `deploy:
  catalogue: ./services.yaml
  registry:
    url: ${registry.url}
    retries: 0
    retention: ${retention}
${users}`,
  });

describe('main.ts wires the user-repository retention', () => {
  it('from deploy.registry.retention and deploy.repositories.users, on the platform clock and audit log', async () => {
    const platform = await platformWith(
      '{ userRepositories: 36h }',
      '  repositories:\n    users: dev/users\n',
    );
    try {
      const repository = `${localRepositoryName('jd', 'dev/users')}/user-service`;
      const push = (tag: string, ageMs: number) =>
        pushLocalImage({
          registryUrl: registry.url,
          repository,
          tag,
          source: join(dir, 'layout'),
          now: () => new Date(platform.clock.now().getTime() - ageMs),
        });
      const old = await push('old', 40 * HOUR);
      await push('younger', 30 * HOUR); // past the default 24 h, within the configured 36 h
      // The seed's default prefix is not the configured one: left alone.
      await pushLocalImage({
        registryUrl: registry.url,
        repository: `${localRepositoryName('jd')}/user-service`,
        tag: 'old',
        source: join(dir, 'layout'),
        now: () => new Date(platform.clock.now().getTime() - 40 * HOUR),
      });

      const result = await platform.registryRetention!.sweep();
      expect(result.deleted.map((d) => [d.repository, d.digest])).toEqual([
        [repository, old.digest],
      ]);
      const client = createPushClient({ registryUrl: registry.url });
      const accept = 'application/vnd.oci.image.manifest.v1+json';
      expect((await client.get(`v2/${repository}/manifests/old`, accept)).status).toBe(404);
      expect((await client.get(`v2/${repository}/manifests/younger`, accept)).status).toBe(200);
      const audited = (await readFile(join(platform.dataDir, 'audit', AUDIT_LOG_FILE), 'utf8'))
        .split('\n')
        .filter((line) => line.includes('"artifact:delete"'))
        .map((line) => JSON.parse(line) as { target: string; time: string });
      expect(audited).toMatchObject([
        {
          target: `artifact/${repository}@${old.digest}`,
          time: platform.clock.now().toISOString(),
        },
      ]);
    } finally {
      await platform.close();
    }
  });

  it('not at all when disabled', async () => {
    const platform = await platformWith('{ enabled: false }');
    try {
      expect(platform.registryRetention).toBeUndefined();
    } finally {
      await platform.close();
    }
  });
});
