import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { PrometheusRule } from '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/PrometheusRule';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import {
  claimJson,
  installE2eHooks,
  REPO_ROOT,
  startServer,
  waitFor,
  writeAtomically,
  type ServerHandle,
} from '../e2e/serve-helper.js';
import { declaredFamilies, parseSamples, sampleValue } from '../support/prometheus-text.js';
import { metricNamesIn, scrapeHas } from './promql-names.js';

installE2eHooks();

const DASHBOARD = join(REPO_ROOT, 'deploy', 'monitoring', 'grafana-dashboard.json');
const RULE = join(REPO_ROOT, 'deploy', 'monitoring', 'prometheus-rule.yaml');

interface Dashboard {
  templating: { list: { name: string; type: string; query: unknown }[] };
  panels: {
    type: string;
    title: string;
    datasource?: { uid: string };
    targets?: { expr: string }[];
  }[];
}

let server: ServerHandle;
let metricsUrl: string;

async function scrape(): Promise<string> {
  const response = await fetch(`${metricsUrl}/metrics`);
  expect(response.status).toBe(200);
  return response.text();
}

beforeAll(async () => {
  // The real `platformctl serve` (built `dist/`), with metrics on a port of their own.
  server = await startServer({ extraYaml: 'metrics: { port: 0 }', resyncInterval: '300ms' });
  const line = await waitFor('the "metrics listening" log line', () =>
    server.logLines().find((entry) => entry.msg === 'metrics listening'),
  );
  metricsUrl = String(line.url);
});

afterAll(async () => {
  await server.stop();
});

describe('metrics on metrics.port', () => {
  it('are served there without a token, and not on the API port', async () => {
    expect(metricsUrl).not.toBe(server.url);
    const response = await fetch(`${metricsUrl}/metrics`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('text/plain; version=0.0.4');
    expect(sampleValue(await response.text(), 'platform_build_info')).toBe(1);

    const onApi = await server.request('GET', '/metrics');
    expect(onApi.status).toBe(404);
    // The metrics port serves nothing else.
    expect((await fetch(`${metricsUrl}/api/v1/environments`)).status).toBe(404);
    expect((await fetch(`${metricsUrl}/healthz`)).status).toBe(404);
  });

  it('show the leader, the store resync and the change-feed lag of an out-of-band write', async () => {
    await writeAtomically(
      join(server.bucketDir('environments'), 'dev-lag.json'),
      claimJson('dev-lag'),
    );
    const text = await waitFor('the lag of the out-of-band write', async () => {
      const scraped = await scrape();
      const lagged = sampleValue(scraped, 'platform_change_feed_lag_seconds_count') ?? 0;
      // A resync that ran after the write has listed it.
      const listed = sampleValue(scraped, 'platform_resync_objects', { source: 'store' }) ?? 0;
      return lagged >= 1 && listed >= 1 ? scraped : undefined;
    });
    expect(sampleValue(text, 'platform_leader')).toBe(1);
    expect(sampleValue(text, 'platform_environments', { type: 'dev' })).toBe(1);
    expect(
      sampleValue(text, 'platform_resync_duration_seconds_count', { source: 'store' }),
    ).toBeGreaterThanOrEqual(1);
    // Indexed within the test's wait: the observation landed in a finite bucket.
    expect(
      sampleValue(text, 'platform_change_feed_lag_seconds_bucket', { le: '30' }),
    ).toBeGreaterThanOrEqual(1);
  });

  it('have every series the dashboard and the alert rules query', async () => {
    // One request of each kind so the labelled series exist, not only their declarations.
    await server.request('GET', '/api/v1/environments/dev-lag');
    const text = await scrape();
    const sampleNames = new Set(parseSamples(text).map((sample) => sample.name));
    const families = declaredFamilies(text);

    const dashboard = JSON.parse(await readFile(DASHBOARD, 'utf8')) as Dashboard;
    const rule = parse(await readFile(RULE, 'utf8')) as {
      spec: { groups: { rules: { alert: string; expr: string }[] }[] };
    };
    const expressions = [
      ...dashboard.panels.flatMap((panel) => panel.targets ?? []).map((target) => target.expr),
      ...rule.spec.groups.flatMap((group) => group.rules).map((entry) => entry.expr),
    ];
    const referenced = new Set(expressions.flatMap(metricNamesIn));
    expect(referenced.size).toBeGreaterThan(15);
    const missing = [...referenced].filter((name) => !scrapeHas(name, sampleNames, families));
    expect(missing).toEqual([]);
  });
});

describe('the monitoring manifests', () => {
  it('the PrometheusRule validates and alerts on errors, lag, the reaper and the audit log', async () => {
    const document = parse(await readFile(RULE, 'utf8')) as Record<string, unknown>;
    const rule = new PrometheusRule(document as ConstructorParameters<typeof PrometheusRule>[0]);
    expect(() => rule.validate()).not.toThrow();
    const alerts = (rule.spec?.groups ?? []).flatMap((group) =>
      (group.rules ?? []).map((entry) => entry.alert),
    );
    expect(alerts).toEqual(
      expect.arrayContaining([
        'PlatformHighErrorRatio',
        'PlatformChangeFeedLagHigh',
        'PlatformReaperFailing',
        'PlatformAuditAppendFailing',
      ]),
    );
    // A broken rule is refused: the validator is not a formality.
    const broken = new PrometheusRule({
      ...(document as object),
      spec: { groups: [{ name: 'x', rules: [{ alert: 'A', expr: 'up', for: 'ten minutes' }] }] },
    });
    expect(() => broken.validate()).toThrow();
  });

  it('the dashboard takes its Prometheus from the ${datasource} variable in every panel', async () => {
    const dashboard = JSON.parse(await readFile(DASHBOARD, 'utf8')) as Dashboard;
    const variable = dashboard.templating.list.find((entry) => entry.name === 'datasource');
    expect(variable).toMatchObject({ type: 'datasource', query: 'prometheus' });
    const queried = dashboard.panels.filter((panel) => panel.type !== 'row');
    expect(queried.length).toBeGreaterThan(15);
    for (const panel of queried) {
      expect(panel.datasource?.uid, panel.title).toBe('${datasource}');
      expect(panel.targets?.length, panel.title).toBeGreaterThan(0);
    }
  });
});
