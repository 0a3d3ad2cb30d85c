import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { pino } from 'pino';
import { startBucketResync } from '../../src/controllers/bucket-resync.js';
import { startExpiryReaper } from '../../src/controllers/expiry-reaper.js';
import { packageVersion } from '../../src/shared/package-version.js';
import { createTestPlatform, sueRequest, type TestPlatform } from '../support/test-platform.js';
import { sampleValue } from '../support/prometheus-text.js';

const CAROL_TOKEN = 'carol-test-token';
const DAY = 24 * 3_600_000;

let platform: TestPlatform | undefined;
afterEach(async () => {
  await platform?.close();
  platform = undefined;
});

async function started(configYaml?: string): Promise<TestPlatform> {
  platform = await createTestPlatform({
    ...(configYaml === undefined ? {} : { configYaml }),
    // Carol is in no team and no admin: her create in team1 is denied.
    tokens: { [CAROL_TOKEN]: { subject: 'carol@example.com', groups: [] } },
  });
  await platform.start();
  return platform;
}

async function scrape(p: TestPlatform): Promise<string> {
  const response = await p.call('GET', '/metrics');
  expect(response.status).toBe(200);
  return response.text();
}

/** Polls `probe` until it returns a value `accept` takes (a loop's run is asynchronous). */
async function eventually<T>(probe: () => Promise<T>, accept: (value: T) => boolean): Promise<T> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const value = await probe();
    if (accept(value) || Date.now() > deadline) return value;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

describe('GET /metrics on the API port', () => {
  it('needs a bearer token by default and answers the Prometheus text format', async () => {
    const p = await started();
    const anonymous = await p.call('GET', '/metrics', { token: null });
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get('content-type')).toBe('application/problem+json');

    const response = await p.call('GET', '/metrics');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8');
    const text = await response.text();
    expect(text).toMatch(/^# HELP platform_build_info /m);
    expect(
      sampleValue(text, 'platform_build_info', {
        version: packageVersion(),
        node_version: process.version,
      }),
    ).toBe(1);
    // Node's process metrics are on the same registry, with the platform's prefix.
    expect(sampleValue(text, 'platform_process_resident_memory_bytes')).toBeGreaterThan(0);
    expect((await p.call('POST', '/metrics')).status).toBe(405);
  });

  it('answers without a token when metrics.requireToken is false', async () => {
    const p = await started('metrics: { requireToken: false }\n');
    const response = await p.call('GET', '/metrics', { token: null });
    expect(response.status).toBe(200);
    expect(await response.text()).toContain('platform_http_requests_total');
  });

  it('is absent from the API port when metrics.port is set, and everywhere when disabled', async () => {
    const separate = await started('metrics: { port: 0 }\n');
    expect((await separate.call('GET', '/metrics')).status).toBe(404);
    expect(separate.metrics).toBeDefined();
    await separate.close();

    platform = await createTestPlatform({ configYaml: 'metrics: { enabled: false }\n' });
    expect((await platform.call('GET', '/metrics')).status).toBe(404);
    expect(platform.metrics).toBeUndefined();
  });
});

describe('the golden signals', () => {
  it('count requests by route template and status class, never by raw path', async () => {
    const p = await started();
    expect((await p.call('GET', '/api/v1/environments/sue-golden-1')).status).toBe(404);
    expect((await p.call('GET', '/api/v1/environments/sue-golden-2')).status).toBe(404);
    expect((await p.call('GET', '/no/such/path')).status).toBe(404);
    expect((await p.call('GET', '/api/v1/environments', { token: null })).status).toBe(401);
    const text = await scrape(p);

    const byName = {
      method: 'GET',
      route: '/api/v1/environments/{name}',
      status_class: '4xx',
    };
    expect(sampleValue(text, 'platform_http_requests_total', byName)).toBe(2);
    expect(sampleValue(text, 'platform_http_request_duration_seconds_count', byName)).toBe(2);
    expect(
      sampleValue(text, 'platform_http_request_duration_seconds_bucket', { ...byName, le: '+Inf' }),
    ).toBe(2);
    expect(text).not.toContain('sue-golden');
    expect(text).not.toContain('/no/such/path');
    expect(
      sampleValue(text, 'platform_http_requests_total', {
        route: 'unmatched',
        status_class: '4xx',
      }),
    ).toBe(1);
    // The authenticator refused it before the handler ran; the template is still named.
    expect(
      sampleValue(text, 'platform_http_requests_total', {
        route: '/api/v1/environments',
        status_class: '4xx',
      }),
    ).toBe(1);
    expect(
      sampleValue(text, 'platform_http_problems_total', { type: 'NOT_FOUND', status: '404' }),
    ).toBe(3);
    expect(
      sampleValue(text, 'platform_http_problems_total', {
        type: 'NOT_AUTHENTICATED',
        status: '401',
      }),
    ).toBe(1);
    // The scrape itself is in flight while it renders.
    expect(sampleValue(text, 'platform_http_requests_in_flight')).toBe(1);
  });
});

describe('the domain metrics', () => {
  it('count environments by type and bucket, decisions by action and result, audit appends', async () => {
    const p = await started();
    expect(
      (await p.call('POST', '/api/v1/environments', { body: sueRequest('sue-m1') })).status,
    ).toBe(201);
    const denied = await p.call('POST', '/api/v1/environments', {
      body: sueRequest('sue-m2'),
      token: CAROL_TOKEN,
    });
    expect(denied.status).toBe(403);
    // A single read asks what its caller may change (`allowed_actions`): questions, not
    // decisions, so only the read itself is counted.
    expect((await p.call('GET', '/api/v1/environments/sue-m1')).status).toBe(200);
    const text = await scrape(p);
    for (const action of ['environment:update', 'environment:extend', 'environment:delete'])
      for (const result of ['allow', 'deny'])
        expect(
          sampleValue(text, 'platform_authorization_decisions_total', { action, result }),
        ).toBeUndefined();
    expect(
      sampleValue(text, 'platform_authorization_decisions_total', {
        action: 'environment:read',
        result: 'allow',
      }),
    ).toBe(1);

    expect(
      sampleValue(text, 'platform_environments', { type: 'sue', bucket: 'environments' }),
    ).toBe(1);
    expect(sampleValue(text, 'platform_environment_deployments', { phase: 'Pending' })).toBe(1);
    expect(
      sampleValue(text, 'platform_authorization_decisions_total', {
        action: 'environment:create',
        result: 'allow',
      }),
    ).toBe(1);
    expect(
      sampleValue(text, 'platform_authorization_decisions_total', {
        action: 'environment:create',
        result: 'deny',
      }),
    ).toBe(1);
    expect(
      sampleValue(text, 'platform_http_problems_total', { type: 'NOT_ALLOWED', status: '403' }),
    ).toBe(1);
    // The create and the deny are both recorded in the audit log.
    expect(
      sampleValue(text, 'platform_audit_append_duration_seconds_count', { result: 'success' }),
    ).toBeGreaterThanOrEqual(2);
    expect(sampleValue(text, 'platform_rejected_claims', { bucket: 'environments' })).toBe(0);
    expect(sampleValue(text, 'platform_deployer_queue_depth')).toBe(0);
  });

  it('count rejected claims by bucket', async () => {
    platform = await createTestPlatform();
    await writeFile(join(platform.bucketsDir, 'environments', 'broken.json'), '{ not json');
    await platform.start();
    const text = await scrape(platform);
    expect(sampleValue(text, 'platform_rejected_claims', { bucket: 'environments' })).toBe(1);
    expect(sampleValue(text, 'platform_rejected_claims', { bucket: 'static-environments' })).toBe(
      0,
    );
  });

  it("count the reaper's deletions and runs", async () => {
    const p = await started();
    expect(
      (await p.call('POST', '/api/v1/environments', { body: sueRequest('sue-old') })).status,
    ).toBe(201);
    p.clock.advance(2 * DAY);
    const stop = new AbortController();
    const reaper = startExpiryReaper({
      service: p.service,
      intervalMs: 10,
      logger: pino({ level: 'silent' }),
      signal: stop.signal,
      metrics: p.metrics,
    });
    const text = await eventually(
      () => scrape(p),
      (t) => sampleValue(t, 'platform_reaper_deletions_total') === 1,
    );
    stop.abort();
    await reaper;
    expect(sampleValue(text, 'platform_reaper_deletions_total')).toBe(1);
    expect(
      sampleValue(text, 'platform_loop_runs_total', { loop: 'expiry-reaper', result: 'success' }),
    ).toBeGreaterThanOrEqual(1);
    expect(sampleValue(text, 'platform_environments', { type: 'sue' })).toBeUndefined();
  });

  it("time the leader's full resync and count the objects it saw", async () => {
    const p = await started();
    for (const name of ['sue-r1', 'sue-r2']) {
      expect(
        (await p.call('POST', '/api/v1/environments', { body: sueRequest(name) })).status,
      ).toBe(201);
    }
    const stop = new AbortController();
    const resync = startBucketResync({
      sync: p.sync,
      intervalMs: 10,
      logger: pino({ level: 'silent' }),
      signal: stop.signal,
      metrics: p.metrics,
    });
    const text = await eventually(
      () => scrape(p),
      (t) =>
        (sampleValue(t, 'platform_loop_runs_total', { loop: 'bucket-resync', result: 'success' }) ??
          0) >= 1,
    );
    stop.abort();
    await resync;
    expect(
      sampleValue(text, 'platform_resync_duration_seconds_count', { source: 'full' }),
    ).toBeGreaterThanOrEqual(1);
    expect(sampleValue(text, 'platform_resync_objects', { source: 'full' })).toBe(2);
  });
});
