import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { installE2eHooks, startServer, waitFor, type ServerHandle } from '../e2e/serve-helper.js';
import { startWebhookReceiver, type WebhookReceiver } from '../support/webhook-receiver.js';
import { sampleValue } from '../support/prometheus-text.js';

installE2eHooks();

let receiver: WebhookReceiver;
let server: ServerHandle;
beforeAll(async () => {
  receiver = await startWebhookReceiver();
  // The real `platformctl serve` (built `dist/`): sue warns 5 s before its expiry.
  server = await startServer({
    reaperInterval: '300ms',
    extraYaml: `
environmentTypes:
  sue:
    expiry: { default: 24h, maximum: 7d, warnBefore: 5s }
notifications:
  warnInterval: 200ms
  queue: { retryBase: 100ms, retryMax: 1s, pollInterval: 200ms }
  sinks:
    - name: ops
      url: ${receiver.url}/hook
`,
  });
});
afterAll(async () => {
  await server.stop();
  await receiver.close();
});

async function scrape(): Promise<string> {
  const response = await server.request('GET', '/metrics');
  expect(response.status).toBe(200);
  return response.text;
}

describe('expiry metrics on the real server', () => {
  it('count the expiry warning delivered, the notifications and the reaper deletion', async () => {
    const created = await server.request('POST', '/api/v1/environments', {
      environment_name: 'sue-metrics',
      environment_type: 'sue',
      environment_pool: 'pool-a',
      expiration_date: new Date(Date.now() + 3_000).toISOString(),
    });
    expect(created.status, created.text).toBe(201);

    const text = await waitFor(
      'the warning and the deletion in /metrics',
      async () => {
        const scraped = await scrape();
        const warned = sampleValue(scraped, 'platform_expiry_warnings_sent_total') ?? 0;
        const reaped = sampleValue(scraped, 'platform_reaper_deletions_total') ?? 0;
        const expired =
          sampleValue(scraped, 'platform_notifications_total', {
            event: 'expired',
            outcome: 'delivered',
          }) ?? 0;
        return warned >= 1 && reaped >= 1 && expired >= 1 ? scraped : undefined;
      },
      20_000,
      200,
    );
    expect(sampleValue(text, 'platform_expiry_warnings_sent_total')).toBe(1);
    expect(
      sampleValue(text, 'platform_notifications_total', {
        event: 'expiring',
        sink: 'ops',
        outcome: 'delivered',
      }),
    ).toBe(1);
    expect(sampleValue(text, 'platform_reaper_deletions_total')).toBe(1);
    expect(
      sampleValue(text, 'platform_loop_runs_total', { loop: 'expiry-reaper', result: 'success' }),
    ).toBeGreaterThanOrEqual(1);
    // The reaper's delete is a system decision recorded in the audit log, timed like any.
    expect(
      sampleValue(text, 'platform_audit_append_duration_seconds_count', { result: 'success' }),
    ).toBeGreaterThanOrEqual(2);
    expect(sampleValue(text, 'platform_environments', { type: 'sue' })).toBeUndefined();
  });
});
