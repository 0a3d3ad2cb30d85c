import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createFsAuditLog } from '../../src/adapters/fs-audit-log/fs-audit-log.js';
import { createFsClaimStore } from '../../src/adapters/fs-store/fs-claim-store.js';
import {
  isDependencyFault,
  meteredArtifactRegistry,
  meteredAuditLog,
  meteredClaimStore,
} from '../../src/adapters/metered/metered-ports.js';
import { createOciRegistry } from '../../src/adapters/oci-registry/oci-registry.js';
import {
  createPrometheusMetrics,
  type PrometheusMetrics,
} from '../../src/adapters/prometheus-metrics/prometheus-metrics.js';
import {
  ConflictError,
  InputError,
  NotFoundError,
  UnavailableError,
} from '../../src/domain/errors.js';
import type { AuditEntry } from '../../src/ports/audit-log.js';
import { sampleValue } from '../support/prometheus-text.js';
import { makeUnwritable, type Unwritable } from '../support/unwritable-dir.js';

const dirs: string[] = [];
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
});

async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'metered-'));
  dirs.push(dir);
  return dir;
}

const metricsFor = (): PrometheusMetrics =>
  createPrometheusMetrics({ version: 'test', processMetrics: false });
const body = (text: string): Uint8Array => Buffer.from(text, 'utf8');
const scrape = async (metrics: PrometheusMetrics): Promise<string> => (await metrics.render()).body;

describe('isDependencyFault', () => {
  it("tells an outage or an unexpected error from an answer to the caller's request", () => {
    expect(isDependencyFault(new UnavailableError('down'))).toBe(true);
    expect(isDependencyFault(new Error('EIO'))).toBe(true);
    expect(isDependencyFault(new ConflictError('exists'))).toBe(false);
    expect(isDependencyFault(new NotFoundError('no such repository'))).toBe(false);
    expect(isDependencyFault(new InputError('bad name'))).toBe(false);
  });
});

describe('meteredClaimStore over the fs store', () => {
  it('counts a failing write by operation, and not a lost race', async () => {
    const root = await tempDir();
    const metrics = metricsFor();
    const store = meteredClaimStore(
      await createFsClaimStore({ root, resyncIntervalMs: 0 }),
      metrics,
    );

    await store.putIfAbsent('environments', 'a.json', body('{}'));
    await expect(store.putIfAbsent('environments', 'a.json', body('{}'))).rejects.toBeInstanceOf(
      ConflictError,
    );
    expect(sampleValue(await scrape(metrics), 'platform_dependency_errors_total')).toBeUndefined();

    const unwritable: Unwritable = await makeUnwritable(join(root, 'environments'));
    cleanups.push(() => unwritable.restore());
    await expect(store.putIfAbsent('environments', 'b.json', body('{}'))).rejects.toBeInstanceOf(
      UnavailableError,
    );
    expect(
      sampleValue(await scrape(metrics), 'platform_dependency_errors_total', {
        dependency: 'store',
        operation: 'putIfAbsent',
      }),
    ).toBe(1);
    // What passes through is untouched: the object written before is still read back.
    expect((await store.get('environments', 'a.json'))?.body.length).toBe(2);
  });
});

describe('meteredArtifactRegistry over the OCI registry client', () => {
  let closed: Server | undefined;
  afterEach(async () => {
    await new Promise<void>((resolve) => (closed ? closed.close(() => resolve()) : resolve()));
    closed = undefined;
  });

  it('counts an unreachable registry by operation, and not a bad repository name', async () => {
    // A port that accepts and drops every connection: a registry that answers nothing.
    closed = createServer((socket) => socket.destroy());
    await new Promise<void>((resolve) => closed!.listen(0, '127.0.0.1', resolve));
    const { port } = closed.address() as { port: number };
    const metrics = metricsFor();
    const registry = meteredArtifactRegistry(
      createOciRegistry({ url: `http://127.0.0.1:${port}`, retries: 0, timeoutMs: 2000 }),
      metrics,
    );
    expect(registry.host).toBe(`127.0.0.1:${port}`);

    await expect(registry.listTags('Not A Valid Name')).rejects.toBeInstanceOf(InputError);
    expect(sampleValue(await scrape(metrics), 'platform_dependency_errors_total')).toBeUndefined();

    await expect(registry.listTags('docker-releases/user-service')).rejects.toBeInstanceOf(
      UnavailableError,
    );
    expect(
      sampleValue(await scrape(metrics), 'platform_dependency_errors_total', {
        dependency: 'registry',
        operation: 'listTags',
      }),
    ).toBe(1);
  });
});

describe('meteredAuditLog over the fs audit log', () => {
  const entry: AuditEntry = {
    time: '2026-01-15T10:30:00.000Z',
    actor: 'alice@example.com',
    actorKind: 'user',
    action: 'environment:create',
    target: 'environment/sue-a',
    decision: 'allow',
    policyIds: [],
    requestId: null,
  };

  it('times each append and keeps the rest of the log', async () => {
    const metrics = metricsFor();
    const audit = meteredAuditLog(await createFsAuditLog({ dir: await tempDir() }), metrics);
    cleanups.push(() => audit.close());
    const record = await audit.append(entry);
    expect(record.seq).toBe(1);
    expect((await audit.query({ limit: 10 })).items).toHaveLength(1);
    const text = await scrape(metrics);
    expect(
      sampleValue(text, 'platform_audit_append_duration_seconds_count', { result: 'success' }),
    ).toBe(1);
    expect(
      sampleValue(text, 'platform_audit_append_duration_seconds_count', { result: 'failure' }),
    ).toBeUndefined();
  });

  it('counts a failed append as a failure and an audit dependency error', async () => {
    const metrics = metricsFor();
    const dir = await tempDir();
    const audit = meteredAuditLog(await createFsAuditLog({ dir }), metrics);
    // An append on a closed log fails as one on a lost disk would: the record is not kept.
    await audit.close();
    await expect(audit.append(entry)).rejects.toThrow();
    const text = await scrape(metrics);
    expect(
      sampleValue(text, 'platform_audit_append_duration_seconds_count', { result: 'failure' }),
    ).toBe(1);
    expect(
      sampleValue(text, 'platform_dependency_errors_total', {
        dependency: 'audit',
        operation: 'append',
      }),
    ).toBe(1);
  });
});
