import type { Context } from 'hono';
import { matchedRoutes } from 'hono/route';
import type { PlatformMetrics } from '../../ports/metrics.js';
import type { HttpEnv } from '../http-env.js';
import type { RequestObserver } from './observe-requests.js';

/** The route label of a request no route matched: one series for every unknown path. */
export const UNMATCHED_ROUTE = 'unmatched';

/**
 * The route template a request matched, as the route definitions write it
 * (`/api/v1/environments/{name}`), or `unmatched`. Middleware mounted on wildcards
 * (`*`, `/api/*`) is skipped: it matches every path and names none. The template is
 * found whether or not its handler ran (a 401 from the authenticator still names it).
 */
export function routeTemplate(c: Context<HttpEnv>): string {
  const routes = matchedRoutes(c);
  for (let i = routes.length - 1; i >= 0; i--) {
    const path = routes[i]?.path;
    if (path !== undefined && !path.includes('*')) return templateOf(path);
  }
  return UNMATCHED_ROUTE;
}

// Hono's paths (`/x/:name`) as the route definitions write them (`/x/{name}`), once each:
// there are as many as there are routes.
const templates = new Map<string, string>();
function templateOf(path: string): string {
  let template = templates.get(path);
  if (template === undefined) {
    template = path.replace(/:(\w+)/g, '{$1}');
    templates.set(path, template);
  }
  return template;
}

/**
 * The golden signals of every request: count and duration by method, route template and
 * status class, and the requests in flight. Its duration includes authentication and the
 * error mapping.
 */
export function httpMetrics(options: { metrics: PlatformMetrics }): RequestObserver {
  const { metrics } = options;
  return {
    started: () => metrics.requestStarted(),
    finished: (c, { status, ms }) =>
      metrics.requestFinished({
        method: c.req.method,
        route: routeTemplate(c),
        status,
        durationSeconds: ms / 1000,
      }),
  };
}
