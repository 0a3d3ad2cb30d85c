import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Hono } from 'hono';
import { pino } from 'pino';
import { z } from 'zod';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createFsAuditLog, type FsAuditLog } from '../../src/adapters/fs-audit-log/fs-audit-log.js';
import { createAccessGuard, type AccessGuard } from '../../src/app/access-guard.js';
import { createAuditService } from '../../src/app/audit-service.js';
import { createRequestOutcomes } from '../../src/app/request-outcomes.js';
import { encodeCursor } from '../../src/app/cursor.js';
import { problemSchema } from '../../src/api/schemas/environments.js';
import type { HttpEnv } from '../../src/http/http-env.js';
import { problemResponse, toProblem } from '../../src/http/problem.js';
import { auditPageSchema } from '../../src/api/schemas/audit.js';
import { listAudit } from '../../src/api/routes/audit.js';
import { mountRoutes } from '../../src/http/mount-routes.js';
import { auditHandlers } from '../../src/http/routes/audit.js';
import type { Action, Authorizer, Decision } from '../../src/ports/authorizer.js';
import type { Caller, Principal } from '../../src/ports/principal.js';

const ADMIN: Principal = {
  subject: 'admin@example.com',
  groups: ['platform-admins'],
  kind: 'user',
  authenticatedBy: 'test',
};
const BOB: Principal = {
  subject: 'bob@example.com',
  groups: ['team2'],
  kind: 'user',
  authenticatedBy: 'test',
};

/** Admins may read the audit log; everyone may create environments. */
function decide(principal: Principal, action: Action): Decision {
  return action !== 'audit:read' || principal.groups.includes('platform-admins')
    ? { allowed: true, policyIds: [`allow-${action}`] }
    : { allowed: false, policyIds: ['admins-only'] };
}
const authorizer: Authorizer = {
  authorize: ({ principal, action }) => Promise.resolve(decide(principal, action)),
  readableFilter: () => Promise.resolve({ filter: { kind: 'all' }, decide: () => true }),
  explain: ({ principal, action }) =>
    Promise.resolve({ ...decide(principal, action), via: [], memberships: [] }),
};

let dir: string;
let audit: FsAuditLog;
let guard: AccessGuard;
let app: Hono<HttpEnv>;
let requests = 0;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'audit-api-'));
  audit = await createFsAuditLog({ dir });
  let now = Date.parse('2026-01-15T10:00:00Z');
  guard = createAccessGuard({
    authorizer,
    audit,
    clock: { now: () => new Date((now += 1000)) },
    logger: pino({ level: 'silent' }),
  });
  app = new Hono<HttpEnv>();
  app.use('*', async (c, next) => {
    c.set('requestId', `req-${++requests}`);
    c.set('principal', c.req.header('x-test-user') === 'bob' ? BOB : ADMIN);
    await next();
  });
  mountRoutes(app, { listAudit }, auditHandlers({ service: createAuditService({ audit, guard }) }));
  app.onError((error, c) =>
    problemResponse(c, toProblem(error, { instance: c.req.path, requestId: c.get('requestId') })),
  );
});
afterEach(async () => {
  await audit.close();
  await rm(dir, { recursive: true, force: true });
});

/** Allowed mutations, each audited by the guard as the real use cases do. */
async function createEnvironments(caller: Caller, names: readonly string[]): Promise<void> {
  for (const name of names) {
    await guard.require(caller, 'environment:create', {
      kind: 'environment',
      name,
      type: 'sue',
      pool: 'team1',
      owner: caller.subject,
      static: false,
    });
  }
}

const get = (query = '', user: 'admin' | 'bob' = 'admin') =>
  app.request(`/api/v1/audit${query}`, { headers: { 'x-test-user': user } });

async function page(query = '') {
  const response = await get(query);
  expect(response.status).toBe(200);
  return auditPageSchema.parse(await response.json());
}

async function problem(response: Response) {
  expect(response.headers.get('content-type')).toBe('application/problem+json');
  return problemSchema.parse(await response.json());
}

describe('GET /api/v1/audit', () => {
  it('lists records in seq order with snake_case fields', async () => {
    await createEnvironments({ ...BOB, requestId: 'req-create' }, ['sue-a']);
    const body = await page();
    expect(body.next_cursor).toBeNull();
    expect(body.items).toHaveLength(1);
    const [record] = body.items;
    expect(Object.keys(record!)).toEqual([
      'time',
      'actor',
      'actor_kind',
      'action',
      'target',
      'decision',
      'policy_ids',
      'request_id',
      'outcome',
      'seq',
      'prev_hash',
      'hash',
    ]);
    expect(record).toMatchObject({
      time: '2026-01-15T10:00:01.000Z',
      actor: 'bob@example.com',
      actor_kind: 'user',
      action: 'environment:create',
      target: 'environment/sue-a',
      decision: 'allow',
      policy_ids: ['allow-environment:create'],
      request_id: 'req-create',
      seq: 1,
      prev_hash: '0'.repeat(64),
    });
  });

  it('does not audit an allowed read (not a mutation)', async () => {
    await page();
    await page();
    expect((await audit.query({ limit: 10 })).items).toEqual([]);
  });

  it('refuses a caller without audit:read, and the deny is itself audited', async () => {
    const response = await get('', 'bob');
    expect(response.status).toBe(403);
    expect((await problem(response)).detail).toMatch(/may not perform audit:read on platform/);
    const denies = await page('?decision=deny');
    expect(denies.items).toMatchObject([
      {
        actor: 'bob@example.com',
        action: 'audit:read',
        target: 'platform',
        decision: 'deny',
        policy_ids: ['admins-only'],
        request_id: expect.stringMatching(/^req-\d+$/) as string,
      },
    ]);
  });

  it('refuses a caller without audit:read before looking at the query', async () => {
    expect((await get('?limit=0', 'bob')).status).toBe(403);
  });

  it('filters by actor, action, decision, target and time', async () => {
    await createEnvironments(ADMIN, ['sue-a', 'sue-b']);
    await createEnvironments(BOB, ['sue-c']);
    await get('', 'bob'); // a deny, seq 4
    const seqs = async (query: string) => (await page(query)).items.map((item) => item.seq);
    expect(await seqs('?actor=bob%40example.com')).toEqual([3, 4]);
    expect(await seqs('?action=environment%3Acreate')).toEqual([1, 2, 3]);
    expect(await seqs('?decision=allow')).toEqual([1, 2, 3]);
    expect(await seqs('?target=environment%2F')).toEqual([1, 2, 3]);
    expect(await seqs('?target=environment%2Fsue-b')).toEqual([2]);
    expect(await seqs('?since=2026-01-15T10:00:02Z&until=2026-01-15T10:00:03Z')).toEqual([2, 3]);
  });

  it('pages with an opaque cursor until next_cursor is null', async () => {
    await createEnvironments(ADMIN, ['a', 'b', 'c', 'd', 'e']);
    const seen: number[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const body = await page(`?limit=2${cursor ? `&cursor=${cursor}` : ''}`);
      seen.push(...body.items.map((item) => item.seq));
      cursor = body.next_cursor;
      pages++;
    } while (cursor !== null);
    expect(seen).toEqual([1, 2, 3, 4, 5]);
    expect(pages).toBe(3);
  });

  it('answers a bad query with 400 and one error per field', async () => {
    const response = await get(
      '?limit=501&decision=maybe&since=yesterday&until=2026-01-15&colour=red',
    );
    expect(response.status).toBe(400);
    const body = await problem(response);
    expect(body.errors?.map((error) => error.path).sort()).toEqual([
      'colour',
      'decision',
      'limit',
      'since',
      'until',
    ]);
    expect(body.errors?.find((error) => error.path === 'since')?.message).toMatch(/RFC 3339/);
  });

  it('refuses until before since, and limit 0', async () => {
    const reversed = await problem(
      await get('?since=2026-01-15T10:00:00Z&until=2026-01-14T10:00:00Z'),
    );
    expect(reversed.errors).toEqual([{ path: 'until', message: 'must not be before since' }]);
    expect((await get('?limit=0')).status).toBe(400);
    expect((await page('?limit=500')).items).toEqual([]);
  });

  it('refuses a cursor it did not issue, including an environment listing cursor', async () => {
    for (const cursor of ['garbage', encodeCursor('sue-poc'), encodeCursor('audit:0')]) {
      const body = await problem(await get(`?cursor=${cursor}`));
      expect(body.status).toBe(400);
      expect(body.errors).toEqual([
        { path: 'cursor', message: 'not a cursor returned by this API' },
      ]);
    }
  });

  it('answers other methods with 405 and Allow: GET', async () => {
    const response = await app.request('/api/v1/audit', { method: 'POST' });
    expect(response.status).toBe(405);
    expect(response.headers.get('allow')).toBe('GET');
    expect((await app.request('/api/v1/audit', { method: 'DELETE' })).status).toBe(405);
  });
});

describe('outcomes', () => {
  it('pairs a deny and a failed mutation with the outcome their request got', async () => {
    let now = Date.parse('2026-01-15T11:00:00Z');
    const clock = { now: () => new Date((now += 1000)) };
    const logger = pino({ level: 'silent' });
    const outcomes = createRequestOutcomes({ audit, clock, logger });
    const tracked = createAccessGuard({ authorizer, audit, clock, logger, outcomes });
    await expect(
      tracked.require({ ...BOB, requestId: 'req-denied' }, 'audit:read', { kind: 'platform' }),
    ).rejects.toThrow(/may not/);
    await outcomes.settle('req-denied', { result: 'failed', status: 403, problem: 'NOT_ALLOWED' });
    await tracked.require({ ...BOB, requestId: 'req-bad' }, 'environment:create', {
      kind: 'environment',
      name: 'sue-bad',
      type: 'sue',
      pool: 'team1',
      owner: BOB.subject,
      static: false,
    });
    // Settled again: nothing left to complete, nothing appended.
    await outcomes.settle('req-bad', { result: 'failed', status: 400, problem: 'INPUT' });
    await outcomes.settle('req-bad', { result: 'succeeded', status: 201, problem: null });

    const body = await page();
    const shown = body.items.map((item) => {
      const { time, ...outcome } = item.outcome ?? { time: '' };
      expect(Date.parse(time)).toBeGreaterThan(Date.parse(item.time));
      return [item.seq, item.decision, outcome];
    });
    expect(shown).toEqual([
      [1, 'deny', { result: 'failed', status: 403, problem: 'NOT_ALLOWED', seq: 2 }],
      [3, 'allow', { result: 'failed', status: 400, problem: 'INPUT', seq: 4 }],
    ]);
    expect((await audit.query({ limit: 10 })).items).toHaveLength(4);
  });

  it('shows outcome null for an intent whose outcome was never written', async () => {
    await createEnvironments({ ...BOB, requestId: 'req-crashed' }, ['sue-c']);
    const [item] = (await page()).items;
    expect(item).toMatchObject({ request_id: 'req-crashed', outcome: null });
  });
});

describe('audit response schemas', () => {
  it('are registered for the OpenAPI document under their ids', () => {
    const { schemas } = z.toJSONSchema(z.globalRegistry, {
      uri: (id) => `#/components/schemas/${id}`,
      unrepresentable: 'any',
    });
    expect(schemas.AuditPage).toMatchObject({
      properties: { items: { items: { $ref: '#/components/schemas/AuditRecord' } } },
    });
    expect(schemas.AuditRecord).toMatchObject({
      required: expect.arrayContaining(['seq', 'prev_hash', 'hash']) as string[],
    });
  });
});
