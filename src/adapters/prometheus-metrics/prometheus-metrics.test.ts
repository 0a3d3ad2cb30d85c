import { describe, expect, it } from 'vitest';
import { pino } from 'pino';
import { createPrometheusMetrics, statusClass } from './prometheus-metrics.js';

const quiet = pino({ level: 'silent' });

/** The value of the one sample line that starts with `series` (name and labels). */
function valueOf(text: string, series: string): number | undefined {
  const line = text.split('\n').find((entry) => entry.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

describe('statusClass', () => {
  it('keeps the hundreds', () => {
    expect([200, 201, 304, 401, 404, 503].map(statusClass)).toEqual([
      '2xx',
      '2xx',
      '3xx',
      '4xx',
      '4xx',
      '5xx',
    ]);
  });
});

describe('createPrometheusMetrics', () => {
  it('keeps each platform on a registry of its own', async () => {
    const one = createPrometheusMetrics({ version: '1', processMetrics: false });
    const two = createPrometheusMetrics({ version: '2', processMetrics: false });
    one.authorizationDecision('environment:read', 'allow');
    const series =
      'platform_authorization_decisions_total{action="environment:read",result="allow"}';
    expect(valueOf((await one.render()).body, series)).toBe(1);
    expect(valueOf((await two.render()).body, series)).toBeUndefined();
    expect((await two.render()).body).toContain('platform_build_info{version="2"');
  });

  it('reads the state gauges at scrape time, so they follow the state without bookkeeping', async () => {
    const metrics = createPrometheusMetrics({ version: 't', processMetrics: false });
    let environments = [
      { type: 'sue', bucket: 'environments' as const, phase: 'Rendered' },
      { type: 'sue', bucket: 'environments' as const, phase: undefined },
      { type: 'prod', bucket: 'static-environments' as const, phase: 'Rendered' },
    ];
    let depth = 3;
    metrics.observeState({
      environments: async function* () {
        await Promise.resolve();
        yield* environments;
      },
      rejectedClaims: () => Promise.resolve([{ bucket: 'static-environments' as const }]),
      deployerQueueDepth: () => depth,
    });
    let text = (await metrics.render()).body;
    expect(valueOf(text, 'platform_environments{type="sue",bucket="environments"}')).toBe(2);
    expect(valueOf(text, 'platform_environments{type="prod",bucket="static-environments"}')).toBe(
      1,
    );
    expect(valueOf(text, 'platform_environment_deployments{phase="Rendered"}')).toBe(2);
    expect(valueOf(text, 'platform_environment_deployments{phase="Pending"}')).toBe(1);
    expect(valueOf(text, 'platform_rejected_claims{bucket="static-environments"}')).toBe(1);
    expect(valueOf(text, 'platform_rejected_claims{bucket="environments"}')).toBe(0);
    expect(valueOf(text, 'platform_deployer_queue_depth')).toBe(3);

    environments = [];
    depth = 0;
    text = (await metrics.render()).body;
    // A type with no environment left has no series, rather than a stale count.
    expect(text).not.toContain('platform_environments{');
    expect(valueOf(text, 'platform_deployer_queue_depth')).toBe(0);
  });

  it('leaves out a gauge whose state cannot be read, and counts that, instead of failing the scrape', async () => {
    const metrics = createPrometheusMetrics({ version: 't', processMetrics: false, logger: quiet });
    metrics.observeState({
      // eslint-disable-next-line require-yield -- the index fails before its first page
      environments: async function* () {
        await Promise.reject(new Error('connection refused'));
      },
      rejectedClaims: () => Promise.reject(new Error('connection refused')),
    });
    const text = (await metrics.render()).body;
    expect(text).not.toContain('platform_environments{');
    expect(text).not.toContain('platform_rejected_claims{');
    // The counter is rendered beside the failing gauges: the next scrape shows their count.
    const next = (await metrics.render()).body;
    expect(
      valueOf(next, 'platform_dependency_errors_total{dependency="index",operation="scrape"}'),
    ).toBeGreaterThanOrEqual(2);
    expect(
      valueOf(text, 'platform_build_info{version="t",node_version="' + process.version + '"}'),
    ).toBe(1);
  });

  it('shows the leader term as it changes and clamps a negative lag to zero', async () => {
    const metrics = createPrometheusMetrics({ version: 't', processMetrics: false });
    expect(valueOf((await metrics.render()).body, 'platform_leader')).toBe(0);
    metrics.setLeader(true);
    expect(valueOf((await metrics.render()).body, 'platform_leader')).toBe(1);
    metrics.setLeader(false);
    metrics.changeFeedLag(-2);
    const text = (await metrics.render()).body;
    expect(valueOf(text, 'platform_leader')).toBe(0);
    expect(valueOf(text, 'platform_change_feed_lag_seconds_bucket{le="0.1"}')).toBe(1);
    expect(valueOf(text, 'platform_change_feed_lag_seconds_sum')).toBe(0);
  });
});
