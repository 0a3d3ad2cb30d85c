import { Hono, type Handler } from 'hono';
import type { Logger } from 'pino';
import { NotFoundError, UnavailableError } from '../../domain/errors.js';
import type { HttpEnv } from '../http-env.js';
import { methodNotAllowed } from '../method-not-allowed.js';
import { problemResponse, toProblem } from '../problem.js';
import { observeRequests } from '../middleware/observe-requests.js';
import { requestLog } from '../middleware/request-log.js';

/** Where Prometheus scrapes, on the API port or on `metrics.port`. */
export const METRICS_PATH = '/metrics';

/** The text exposition of every series: what `GET /metrics` answers. */
export type RenderMetrics = () => Promise<{ readonly contentType: string; readonly body: string }>;

/**
 * `GET /metrics` in the Prometheus text format. A scrape that cannot be rendered is a 503
 * (Prometheus retries at the next interval), never a 500.
 */
export function metricsHandler(render: RenderMetrics): Handler<HttpEnv> {
  return async (c) => {
    let exposition: Awaited<ReturnType<RenderMetrics>>;
    try {
      exposition = await render();
    } catch (error) {
      throw new UnavailableError('The metrics cannot be read right now', { cause: error });
    }
    return c.body(exposition.body, 200, { 'content-type': exposition.contentType });
  };
}

/**
 * The app of the separate metrics listener (`metrics.port`): `/metrics` and nothing else,
 * without a token. Such a port is meant to be reachable by the scraper alone (a
 * NetworkPolicy, a loopback host), and it reveals no claim, name or token: counts only.
 */
export function createMetricsApp(options: {
  render: RenderMetrics;
  logger: Logger;
}): Hono<HttpEnv> {
  const app = new Hono<HttpEnv>();
  app.use('*', observeRequests([requestLog({ logger: options.logger })]));
  app.get(METRICS_PATH, metricsHandler(options.render));
  app.all(METRICS_PATH, methodNotAllowed(['GET']));
  app.notFound((c) => {
    throw new NotFoundError(`No route for ${c.req.method} ${c.req.path} on the metrics port`);
  });
  app.onError((error, c) => {
    const problem = toProblem(error, { instance: c.req.path, requestId: c.get('requestId') });
    if (error instanceof UnavailableError) {
      options.logger.warn({ err: error }, 'metrics scrape failed');
    }
    const retryAfter = error instanceof UnavailableError ? error.retryAfterSeconds : undefined;
    return problemResponse(c, problem, retryAfter);
  });
  return app;
}
