import type { Handler, Hono } from 'hono';
import type { RouteDefinition } from '../api/route-definition.js';
import type { HttpEnv } from './http-env.js';
import { methodNotAllowed } from './method-not-allowed.js';

/** One handler per route definition: the typecheck refuses a route left without one. */
export type RouteHandlers<R extends Readonly<Record<string, RouteDefinition>>> = {
  readonly [K in keyof R]: Handler<HttpEnv>;
};

/** The order of methods in `Allow`: reads first, then the verbs that change things. */
const METHOD_ORDER = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'];

/** `/api/v1/environments/{name}` → `/api/v1/environments/:name`. */
export const honoPath = (path: string): string => path.replace(/\{(\w+)\}/g, ':$1');

/**
 * Mounts each definition's handler at its method and path, then answers every other method
 * on those paths with 405 and the `Allow` header, so the definitions alone say what exists.
 */
export function mountRoutes<R extends Readonly<Record<string, RouteDefinition>>>(
  app: Hono<HttpEnv>,
  routes: R,
  handlers: RouteHandlers<R>,
): void {
  const methodsByPath = new Map<string, string[]>();
  for (const [operationId, route] of Object.entries(routes)) {
    const path = honoPath(route.path);
    const method = route.method.toUpperCase();
    app.on(method, path, handlers[operationId as keyof R]);
    methodsByPath.set(path, [...(methodsByPath.get(path) ?? []), method]);
  }
  for (const [path, methods] of methodsByPath) {
    methods.sort((a, b) => METHOD_ORDER.indexOf(a) - METHOD_ORDER.indexOf(b));
    app.all(path, methodNotAllowed(methods));
  }
}
