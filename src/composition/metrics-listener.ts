import type { AddressInfo } from 'node:net';
import { createAdaptorServer } from '@hono/node-server';
import type { Logger } from 'pino';
import type { PrometheusMetrics } from '../adapters/prometheus-metrics/prometheus-metrics.js';
import type { PlatformConfig } from '../config/load-config.js';
import { createMetricsApp } from '../http/routes/metrics.js';

/**
 * The separate metrics listener (`metrics.port`): `/metrics` only, no token. Its `close`
 * also drops idle keep-alive connections, as a scraper holds one open between scrapes.
 */
export async function listenForMetrics(
  metrics: PrometheusMetrics,
  settings: PlatformConfig['metrics'],
  logger: Logger,
): Promise<{ url: string; close: () => Promise<void> }> {
  const app = createMetricsApp({ render: () => metrics.render(), logger });
  const server = createAdaptorServer({ fetch: app.fetch });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(settings.port, settings.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  const url = `http://${host}:${address.port}`;
  logger.info({ url }, 'metrics listening');
  return {
    url,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        if ('closeAllConnections' in server) server.closeAllConnections();
      }),
  };
}
