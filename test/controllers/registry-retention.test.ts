import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createFsAuditLog } from '../../src/adapters/fs-audit-log/fs-audit-log.js';
import {
  localRepositoryName,
  pushDeploymentFiles,
  pushLocalImage,
} from '../../src/adapters/oci-registry/push/index.js';
import { createPushClient } from '../../src/adapters/oci-registry/push/push-client.js';
import { createRegistryMaintenance } from '../../src/adapters/oci-registry/registry-maintenance.js';
import {
  createRegistryRetention,
  type RegistryRetentionOptions,
} from '../../src/app/registry-retention.js';
import { startRegistryRetention } from '../../src/controllers/registry-retention.js';
import type { AuditLog } from '../../src/ports/audit-log.js';
import { writeOciLayout } from '../oci-registry/local-image-fixtures.js';
import { startRegistry, type TestRegistry } from '../support/oci-registry.js';

const NOW = new Date('2026-12-06T12:00:00Z');
const OLD = new Date('2026-12-05T00:00:00Z'); // 36 h before NOW
const FRESH = new Date('2026-12-06T11:00:00Z'); // 1 h before NOW
const DAY = 24 * 3_600_000;
const USER = localRepositoryName('jd');
const PROTECTED = ['docker-releases', 'oci-releases', 'docker-snapshots', 'oci-snapshots'];
const logger = pino({ level: process.env.RETENTION_TEST_LOG ?? 'silent' });

let registry: TestRegistry;
let dir: string;
let layout: string;
let audit: AuditLog & { close(): Promise<void> };

beforeAll(async () => {
  registry = await startRegistry();
  dir = await mkdtemp(join(tmpdir(), 'retention-'));
  layout = join(dir, 'layout');
  await writeOciLayout(layout, 'user-service');
  await mkdirFiles(join(dir, 'ansible'));
});
afterAll(async () => {
  await registry?.stop();
  await rm(dir, { recursive: true, force: true });
});
beforeEach(async () => {
  audit = await createFsAuditLog({ dir: await mkdtemp(join(dir, 'audit-')) });
});
afterEach(async () => {
  await audit.close();
});

async function mkdirFiles(path: string): Promise<void> {
  const { mkdir, writeFile } = await import('node:fs/promises');
  await mkdir(path, { recursive: true });
  await writeFile(join(path, 'playbook.yml'), '- hosts: all\n');
}

const pushImage = (url: string, repository: string, tag: string, at: Date) =>
  pushLocalImage({ registryUrl: url, repository, tag, source: layout, now: () => at });

async function status(url: string, repository: string, reference: string): Promise<number> {
  const client = createPushClient({ registryUrl: url });
  const response = await client.get(
    `v2/${repository}/manifests/${reference}`,
    'application/vnd.oci.image.manifest.v1+json',
  );
  return response.status;
}

function retention(url: string, overrides: Partial<RegistryRetentionOptions> = {}) {
  return createRegistryRetention({
    registry: createRegistryMaintenance({ url, retries: 0, pageSize: 2 }),
    audit,
    clock: { now: () => NOW },
    logger,
    userRepositoriesPrefix: 'user-repos',
    protectedPrefixes: PROTECTED,
    maxAgeMs: DAY,
    ...overrides,
  });
}

describe('registry retention sweep against docker-registry', () => {
  it('deletes only the expired manifests of <user>-local-repo repositories, and audits each', async () => {
    const url = registry.url;
    const old = await pushImage(url, `${USER}/user-service`, 'old', OLD);
    const fresh = await pushImage(url, `${USER}/user-service`, 'fresh', FRESH);
    const oldFiles = await pushDeploymentFiles({
      registryUrl: url,
      repository: `${USER}/user-service-ansible`,
      tag: 'old',
      directory: join(dir, 'ansible'),
      now: () => OLD,
    });
    // Equally old, but a release, a snapshot, and a user path that is no local repo.
    await pushImage(url, 'docker-releases/user-service', 'v1.0.0', OLD);
    await pushImage(url, 'docker-snapshots/user-service', '1.1.0-dev.1', OLD);
    await pushImage(url, 'user-repos/jd/user-service', 'old', OLD);
    // Dated only by its image config (created 2020): deleted by the fallback.
    const configDated = await pushWithoutAnnotation(url, `${USER}/config-dated`, 'v1');

    const result = await retention(url).sweep();

    expect(result.errors).toBe(0);
    expect(result.deleted.map((d) => [d.repository, d.digest, d.tags]).sort()).toEqual(
      [
        [`${USER}/config-dated`, configDated, ['v1']],
        [`${USER}/user-service`, old.digest, ['old']],
        [`${USER}/user-service-ansible`, oldFiles.digest, ['old']],
      ].sort(),
    );
    expect(result.kept).toBe(1);
    expect(await status(url, `${USER}/user-service`, 'old')).toBe(404);
    expect(await status(url, `${USER}/user-service`, old.digest)).toBe(404);
    expect(await status(url, `${USER}/user-service-ansible`, 'old')).toBe(404);
    expect(await status(url, `${USER}/user-service`, 'fresh')).toBe(200);
    expect(await status(url, `${USER}/user-service`, fresh.digest)).toBe(200);
    expect(await status(url, 'docker-releases/user-service', 'v1.0.0')).toBe(200);
    expect(await status(url, 'docker-snapshots/user-service', '1.1.0-dev.1')).toBe(200);
    expect(await status(url, 'user-repos/jd/user-service', 'old')).toBe(200);

    const { items } = await audit.query({ action: 'artifact:delete', limit: 10 });
    expect(items.map((r) => r.target).sort()).toEqual(
      [
        `artifact/${USER}/config-dated@${configDated}`,
        `artifact/${USER}/user-service@${old.digest}`,
        `artifact/${USER}/user-service-ansible@${oldFiles.digest}`,
      ].sort(),
    );
    expect(items[0]).toMatchObject({
      actor: 'system:registry-retention',
      actorKind: 'system',
      decision: 'allow',
      time: NOW.toISOString(),
    });

    // A second sweep finds nothing more to do.
    const again = await retention(url).sweep();
    expect(again.deleted).toEqual([]);
    expect(again.errors).toBe(0);
  });

  it('keeps a manifest nothing dates, and deletes nothing once no longer the leader', async () => {
    const url = registry.url;
    const repository = `${localRepositoryName('undated')}/svc`;
    await pushWithoutAnnotation(url, repository, 'v1', { created: undefined });
    await pushImage(url, `${localRepositoryName('fenced')}/svc`, 'old', OLD);
    const fenced = await retention(url).sweep({ fence: () => Promise.resolve(false) });
    expect(fenced.deleted).toEqual([]);
    expect(await status(url, `${localRepositoryName('fenced')}/svc`, 'old')).toBe(200);

    const result = await retention(url).sweep();
    expect(result.skipped).toBeGreaterThanOrEqual(1);
    expect(await status(url, repository, 'v1')).toBe(200);
    expect(await status(url, `${localRepositoryName('fenced')}/svc`, 'old')).toBe(404);
  });

  it('counts registry errors and goes on: deletes disabled, registry down', async () => {
    const locked = await startRegistry({ deletes: false });
    try {
      await pushImage(locked.url, `${USER}/user-service`, 'old', OLD);
      const result = await retention(locked.url).sweep();
      expect(result).toMatchObject({ deleted: [], errors: 1 });
      expect(await status(locked.url, `${USER}/user-service`, 'old')).toBe(200);
      expect((await audit.query({ limit: 10 })).items).toEqual([]);
    } finally {
      await locked.stop();
    }
    const down = await retention('http://127.0.0.1:9').sweep();
    expect(down).toMatchObject({ repositories: 0, deleted: [], errors: 1 });
  });
});

describe('startRegistryRetention', () => {
  it('sweeps every interval, survives a failing sweep, and stops on abort', async () => {
    let sweeps = 0;
    const controller = new AbortController();
    const stopped = startRegistryRetention({
      retention: {
        sweep: () => {
          sweeps++;
          if (sweeps === 1) return Promise.reject(new Error('registry exploded'));
          if (sweeps === 3) controller.abort();
          return Promise.resolve({ repositories: 0, deleted: [], kept: 0, skipped: 0, errors: 0 });
        },
      },
      intervalMs: 5,
      logger,
      signal: controller.signal,
    });
    await stopped;
    expect(sweeps).toBe(3);
  });
});

/**
 * Pushes the fixture image's manifest without the push annotation, so only its config
 * (`created` 2020-01-01, or none) can date it; returns the manifest digest.
 */
async function pushWithoutAnnotation(
  url: string,
  repository: string,
  tag: string,
  config: { created?: string | undefined } = { created: '2020-01-01T00:00:00Z' },
): Promise<string> {
  const client = createPushClient({ registryUrl: url });
  const configBytes = Buffer.from(
    JSON.stringify({
      architecture: 'amd64',
      os: 'linux',
      ...config,
      rootfs: { type: 'layers', diff_ids: [] },
    }),
  );
  const { createHash } = await import('node:crypto');
  const digest = `sha256:${createHash('sha256').update(configBytes).digest('hex')}`;
  await client.uploadBlob(repository, {
    digest,
    size: configBytes.length,
    open: () => configBytes,
  });
  const manifest = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: 'application/vnd.oci.image.manifest.v1+json',
      config: {
        mediaType: 'application/vnd.oci.image.config.v1+json',
        digest,
        size: configBytes.length,
      },
      layers: [],
    }),
  );
  return client.putManifest(repository, tag, {
    mediaType: 'application/vnd.oci.image.manifest.v1+json',
    bytes: manifest,
  });
}
