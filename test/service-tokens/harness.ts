import { createHash } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Hono } from 'hono';
import { pino } from 'pino';
import { createFsServiceTokenStore } from '../../src/adapters/fs-service-token-store/fs-service-token-store.js';
import { chainAuthenticators } from '../../src/adapters/token-authenticator/chain-authenticator.js';
import { createServiceTokenAuthenticator } from '../../src/adapters/token-authenticator/service-token-authenticator.js';
import {
  createStaticTokenAuthenticator,
  hashToken,
} from '../../src/adapters/token-authenticator/static-token-authenticator.js';
import { createAccessGuard } from '../../src/app/access-guard.js';
import {
  createServiceTokenService,
  type ServiceTokenService,
} from '../../src/app/service-token-service.js';
import type { HttpEnv } from '../../src/http/http-env.js';
import { authenticate } from '../../src/http/middleware/authenticate.js';
import { observeRequests } from '../../src/http/middleware/observe-requests.js';
import { requestLog } from '../../src/http/middleware/request-log.js';
import { problemResponse, toProblem } from '../../src/http/problem.js';
import * as serviceTokenRoutes from '../../src/api/routes/service-tokens.js';
import { mountRoutes } from '../../src/http/mount-routes.js';
import { serviceTokenHandlers } from '../../src/http/routes/service-tokens.js';
import type { AuditLog, AuditRecord } from '../../src/ports/audit-log.js';
import type { Authenticator } from '../../src/ports/authenticator.js';
import type { Action, Authorizer, Decision } from '../../src/ports/authorizer.js';
import type { Principal } from '../../src/ports/principal.js';
import type { ServiceTokenStore } from '../../src/ports/service-token-store.js';

export const ADMIN = 'admin@example.com';
export const ADMIN_TOKEN = 'admin-static-token';
export const DEV_TOKEN = 'dev-static-token';
export const START = new Date('2026-01-15T10:30:00Z');

/** An append-only, hash-chained audit log in memory, as the port describes it. */
export function memoryAuditLog(): AuditLog & { records: AuditRecord[] } {
  const records: AuditRecord[] = [];
  return {
    records,
    append(entry) {
      const prevHash = records.at(-1)?.hash ?? '0'.repeat(64);
      const seq = records.length + 1;
      const hash = createHash('sha256')
        .update(JSON.stringify({ ...entry, seq, prevHash }))
        .digest('hex');
      const record = { ...entry, seq, prevHash, hash };
      records.push(record);
      return Promise.resolve(record);
    },
    query(query) {
      const items = records.filter(
        (record) =>
          (query.actor === undefined || record.actor === query.actor) &&
          (query.action === undefined || record.action === query.action) &&
          (query.decision === undefined || record.decision === query.decision) &&
          (query.afterSeq === undefined || record.seq > query.afterSeq) &&
          (query.excludeOutcomes !== true || record.intentSeq === undefined),
      );
      return Promise.resolve({
        items: items.slice(0, query.limit),
        hasMore: items.length > query.limit,
      });
    },
    outcomesOf(intentSeqs) {
      const wanted = new Set(intentSeqs);
      return Promise.resolve(
        records.filter((record) => record.intentSeq !== undefined && wanted.has(record.intentSeq)),
      );
    },
  };
}

/**
 * Lets `ADMIN` do everything and nobody else anything. Like the Cedar authorizer, a scoped
 * principal is denied every action outside its scopes, unless `ignoreScopes` says otherwise.
 */
function adminOnly(options: { ignoreScopes: boolean }): Authorizer {
  const decide = ({ principal, action }: { principal: Principal; action: Action }): Decision =>
    principal.subject !== ADMIN
      ? { allowed: false, policyIds: [] }
      : !options.ignoreScopes && principal.scopes && !principal.scopes.includes(action)
        ? { allowed: false, policyIds: ['test-scopes'] }
        : { allowed: true, policyIds: ['test-admin'] };
  return {
    authorize: (request) => Promise.resolve(decide(request)),
    readableFilter: (principal) =>
      Promise.resolve({
        filter: { kind: principal.subject === ADMIN ? 'all' : 'none' },
        decide: () => principal.subject === ADMIN,
      }),
    explain: (request) => Promise.resolve({ ...decide(request), via: [], memberships: [] }),
  };
}

export interface Harness {
  readonly app: Hono<HttpEnv>;
  readonly dir: string;
  readonly store: ServiceTokenStore;
  readonly service: ServiceTokenService;
  readonly audit: ReturnType<typeof memoryAuditLog>;
  readonly authenticator: Authenticator;
  advance(ms: number): void;
  /** `app.request` with a bearer token (default: the admin's static token) and a JSON body. */
  call(
    method: string,
    path: string,
    options?: { body?: unknown; token?: string | null; headers?: Record<string, string> },
  ): Promise<Response>;
  /** `fetch` served by `app`, for the CLI's client. */
  readonly fetch: typeof fetch;
  close(): Promise<void>;
}

/**
 * The service token routes as the platform serves them: real service, real fs store in a
 * temp dir, the access guard around an admin-only authorizer, static and service token
 * authenticators chained as `main.ts` chains them. `/api/v1/whoami` echoes the principal.
 */
export async function createHarness(options: { ignoreScopes?: boolean } = {}): Promise<Harness> {
  const dir = await mkdtemp(join(tmpdir(), 'service-token-routes-'));
  let now = START.getTime();
  const clock = { now: () => new Date(now) };
  const logger = pino({ level: 'silent' });
  const audit = memoryAuditLog();
  const store = await createFsServiceTokenStore({ dir });
  const guard = createAccessGuard({
    authorizer: adminOnly({ ignoreScopes: options.ignoreScopes ?? false }),
    audit,
    clock,
    logger,
  });
  const service = createServiceTokenService({ store, guard, clock, logger });
  // Chained as main.ts chains them: service tokens first, then the static tokens.
  const authenticator = chainAuthenticators([
    createServiceTokenAuthenticator({ store, clock, logger }),
    createStaticTokenAuthenticator([
      { subject: ADMIN, groups: ['platform-admins'], sha256: hashToken(ADMIN_TOKEN) },
      { subject: 'dev@example.com', groups: ['team1'], sha256: hashToken(DEV_TOKEN) },
    ]),
  ]);

  const app = new Hono<HttpEnv>();
  app.use('*', observeRequests([requestLog({ logger })]));
  app.use('/api/*', authenticate({ authenticator }));
  mountRoutes(app, serviceTokenRoutes, serviceTokenHandlers({ service }));
  app.get('/api/v1/whoami', (c) => c.json(c.get('principal')));
  app.onError((error, c) =>
    problemResponse(c, toProblem(error, { instance: c.req.path, requestId: c.get('requestId') })),
  );

  return {
    app,
    dir,
    store,
    service,
    audit,
    authenticator,
    advance: (ms) => {
      now += ms;
    },
    call: (method, path, options = {}) => {
      const token = options.token === undefined ? ADMIN_TOKEN : options.token;
      const headers: Record<string, string> = { ...options.headers };
      if (token !== null) headers.authorization = `Bearer ${token}`;
      if (options.body !== undefined) headers['content-type'] ??= 'application/json';
      return Promise.resolve(
        app.request(path, {
          method,
          headers,
          ...(options.body === undefined ? {} : { body: JSON.stringify(options.body) }),
        }),
      );
    },
    fetch: (input, init) => Promise.resolve(app.request(input as string, init)),
    close: () => rm(dir, { recursive: true, force: true }),
  };
}
