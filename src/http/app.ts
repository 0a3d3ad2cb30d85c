import { Hono, type MiddlewareHandler, type Next } from 'hono';
import type { z } from 'zod';
import type { Logger } from 'pino';
import type { AccessService } from '../app/access-service.js';
import type { AuditService } from '../app/audit-service.js';
import type { EnvironmentService } from '../app/environment-service.js';
import type { DeploymentApi } from '../app/deployment-api.js';
import type { ServiceTokenService } from '../app/service-token-service.js';
import { NotFoundError, UnavailableError } from '../domain/errors.js';
import type { Authenticator } from '../ports/authenticator.js';
import type { HttpEnv } from './http-env.js';
import type { AuditOutcome } from '../ports/audit-log.js';
import { auditOutcome } from './middleware/audit-outcome.js';
import { authenticate } from './middleware/authenticate.js';
import { requestLog } from './middleware/request-log.js';
import { assertReady } from './middleware/require-ready.js';
import { problemKindOf, problemResponse, toProblem } from './problem.js';
import type { AccessCompilerApi } from '../app/access-compiler-api.js';
import type { BucketEventsService } from '../app/bucket-events.js';
import { API_ROUTES } from '../api/api-routes.js';
import type { loginConfigSchema } from '../api/schemas/session.js';
import { requireSharedSecret } from './middleware/shared-secret.js';
import { mountRoutes } from './mount-routes.js';
import { mountConsole, type ConsoleSite } from './console/console-site.js';
import { accessHandlers } from './routes/access.js';
import { auditHandlers } from './routes/audit.js';
import { BUCKET_EVENTS_PATH, bucketEventHandlers } from './routes/bucket-events.js';
import { environmentHandlers } from './routes/environments.js';
import { metaHandlers } from './routes/meta.js';
import { platformHandlers } from './routes/platform.js';
import { serviceTokenHandlers } from './routes/service-tokens.js';
import { httpMetrics } from './middleware/http-metrics.js';
import { observeRequests } from './middleware/observe-requests.js';
import { METRICS_PATH, type RenderMetrics } from './routes/metrics.js';
import { noMetrics, type PlatformMetrics } from '../ports/metrics.js';

export interface HttpAppDeps {
  readonly service: EnvironmentService;
  /** History and rollback; absent when no deployer is configured (those routes answer 404). */
  readonly deployments?: DeploymentApi | undefined;
  readonly accessService: AccessService;
  readonly accessCompiler: AccessCompilerApi;
  readonly auditService: AuditService;
  readonly serviceTokens: ServiceTokenService;
  readonly authenticator: Authenticator;
  readonly logger: Logger;
  readonly isReady: () => boolean;
  /** The OpenAPI document; built on the first request for it, not at every start. */
  readonly openApi: () => Record<string, unknown>;
  /** What `GET /login-config` tells `platformctl login` and the web console. */
  readonly loginConfig: z.infer<typeof loginConfigSchema>;
  /** S3 event notifications; `secret` unset: the endpoint answers 404. */
  readonly bucketEvents: {
    readonly service: BucketEventsService;
    readonly secret: string | undefined;
  };
  /** Appends the outcome of the audit records a request made (`RequestOutcomes.settle`). */
  readonly settleAudit?: ((requestId: string, outcome: AuditOutcome) => Promise<void>) | undefined;
  /** The request and error measurements; none by default. */
  readonly metrics?: PlatformMetrics | undefined;
  /**
   * `GET /metrics` on this app; absent: not served here (disabled, or on `metrics.port`).
   * `requireToken`: only with a valid bearer token, like `/api/`.
   */
  readonly metricsEndpoint?:
    { readonly render: RenderMetrics; readonly requireToken: boolean } | undefined;
  /** The web console at `/` (after the API, which wins); absent: every other path is a 404. */
  readonly console?: ConsoleSite | undefined;
}

/** The HTTP surface. Testable without sockets through `app.request()`. */
export function createHttpApp(deps: HttpAppDeps): Hono<HttpEnv> {
  const app = new Hono<HttpEnv>();
  const metrics = deps.metrics ?? noMetrics;
  // The request log first: the others read the request id it assigns.
  app.use(
    '*',
    observeRequests([
      requestLog({ logger: deps.logger }),
      httpMetrics({ metrics }),
      ...(deps.settleAudit
        ? [auditOutcome({ settle: deps.settleAudit, logger: deps.logger })]
        : []),
    ]),
  );

  const authenticateUser = authenticate({ authenticator: deps.authenticator });
  const authenticateStorage = requireSharedSecret({
    secret: deps.bucketEvents.secret,
    what: 'Bucket event notifications',
  });
  // Storage servers are not users: they prove themselves with the shared secret, which the
  // user authenticator would refuse, and users' tokens do not open the bucket-events route.
  // An authenticated caller then waits for the index (503 until it is loaded), in the same
  // layer: one async step fewer on every API request.
  const whenReady = (next: Next) => () => {
    assertReady(deps.isReady);
    return next();
  };
  const admitCaller: MiddlewareHandler<HttpEnv> = (c, next) =>
    c.req.path === BUCKET_EVENTS_PATH
      ? authenticateStorage(c, whenReady(next))
      : authenticateUser(c, whenReady(next));
  app.use('/api/*', admitCaller);
  if (deps.metricsEndpoint?.requireToken) app.use(METRICS_PATH, authenticateUser);
  // Bodies are read, and refused over MAX_BODY_BYTES, by the handlers that take one (read-body.ts).
  mountRoutes(app, API_ROUTES, {
    ...metaHandlers({
      isReady: deps.isReady,
      openApi: deps.openApi,
      loginConfig: deps.loginConfig,
      accessService: deps.accessService,
      metrics: deps.metricsEndpoint?.render,
    }),
    ...environmentHandlers({ service: deps.service, deployments: deps.deployments }),
    ...platformHandlers({ service: deps.service }),
    ...accessHandlers({ service: deps.accessService, compiler: deps.accessCompiler }),
    ...auditHandlers({ service: deps.auditService }),
    ...serviceTokenHandlers({ service: deps.serviceTokens }),
    ...bucketEventHandlers({ service: deps.bucketEvents.service }),
  });
  if (deps.console) mountConsole(app, deps.console);

  app.notFound((c) => {
    throw new NotFoundError(`No route for ${c.req.method} ${c.req.path}`);
  });
  app.onError((error, c) => {
    const problem = toProblem(error, { instance: c.req.path, requestId: c.get('requestId') });
    metrics.problem(problemKindOf(error), problem.status);
    if (problem.status >= 500 && problem.status !== 503) {
      deps.logger.error({ err: error, request_id: c.get('requestId') }, 'unhandled error');
    }
    // A 503 is logged per request as a warning; its cause (the store's own message, with
    // the absolute path the client is not told) is what an operator needs to act on.
    if (error instanceof UnavailableError && error.cause !== undefined) {
      deps.logger.warn({ err: error, request_id: c.get('requestId') }, 'dependency unavailable');
    }
    const retryAfter = error instanceof UnavailableError ? error.retryAfterSeconds : undefined;
    return problemResponse(c, problem, retryAfter);
  });
  return app;
}
