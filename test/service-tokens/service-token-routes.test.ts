import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SERVICE_TOKEN_FILE } from '../../src/adapters/fs-service-token-store/fs-service-token-store.js';
import { hashServiceToken } from '../../src/domain/service-tokens/token-format.js';
import { problemSchema } from '../../src/api/schemas/environments.js';
import {
  serviceTokenCreatedSchema,
  serviceTokenListSchema,
  serviceTokenViewSchema,
} from '../../src/domain/service-tokens/service-token-schema.js';
import { ADMIN, createHarness, DEV_TOKEN, type Harness } from './harness.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const BASE = '/api/v1/service-tokens';

const ciToken = (extra: Record<string, unknown> = {}) => ({
  subject: 'gitlab-ci-team1',
  scopes: ['environment:create', 'environment:read', 'environment:delete'],
  groups: ['team1'],
  description: 'team1 pipelines',
  ...extra,
});

async function problemOf(response: Response) {
  expect(response.headers.get('content-type')).toBe('application/problem+json');
  return problemSchema.parse(await response.json());
}

let h: Harness;
beforeEach(async () => {
  h = await createHarness();
});
afterEach(async () => {
  await h.close();
});

async function create(extra: Record<string, unknown> = {}) {
  const response = await h.call('POST', BASE, { body: ciToken(extra) });
  expect(response.status).toBe(201);
  return serviceTokenCreatedSchema.parse(await response.json());
}

const whoami = (token: string) => h.call('GET', '/api/v1/whoami', { token });

describe('POST /api/v1/service-tokens', () => {
  it('creates a token, shows it once with the record, stores only its hash', async () => {
    const response = await h.call('POST', BASE, {
      body: ciToken(),
      headers: { 'x-request-id': 'req-create-1' },
    });
    expect(response.status).toBe(201);
    expect(response.headers.get('cache-control')).toBe('no-store');
    const created = serviceTokenCreatedSchema.parse(await response.json());
    expect(response.headers.get('location')).toBe(`${BASE}/${created.id}`);
    expect(created.token).toMatch(new RegExp(`^pst_${created.id}_[A-Za-z0-9_-]{43}$`));
    expect(created).toEqual({
      id: created.id,
      token: created.token,
      subject: 'gitlab-ci-team1',
      scopes: ['environment:create', 'environment:read', 'environment:delete'],
      groups: ['team1'],
      description: 'team1 pipelines',
      created_at: '2026-01-15T10:30:00Z',
      created_by: ADMIN,
      expires_at: '2026-04-15T10:30:00Z',
      revoked_at: null,
    });

    const file = await readFile(join(h.dir, SERVICE_TOKEN_FILE), 'utf8');
    expect(file).not.toContain(created.token);
    expect(file).not.toContain(created.token.slice(21));
    expect(file).toContain(hashServiceToken(created.token));

    expect(h.audit.records).toEqual([
      expect.objectContaining({
        actor: ADMIN,
        actorKind: 'user',
        action: 'service-tokens:manage',
        target: 'platform',
        decision: 'allow',
        policyIds: ['test-admin'],
        requestId: 'req-create-1',
      }),
    ]);
  });

  it('takes expires_in or expires_at', async () => {
    expect((await create({ expires_in: '30d' })).expires_at).toBe('2026-02-14T10:30:00Z');
    expect((await create({ expires_at: '2026-06-01T00:00:00+02:00' })).expires_at).toBe(
      '2026-05-31T22:00:00Z',
    );
  });

  it('gives every token a fresh id and secret', async () => {
    const tokens = await Promise.all(Array.from({ length: 5 }, () => create()));
    expect(new Set(tokens.map((token) => token.id)).size).toBe(5);
    expect(new Set(tokens.map((token) => token.token.slice(21))).size).toBe(5);
  });

  it.each([
    ['no scopes', { scopes: [] }, 'scopes'],
    ['an unknown scope', { scopes: ['environment:nuke'] }, 'scopes.0'],
    ['a wildcard scope', { scopes: ['*'] }, 'scopes.0'],
    ['the manage scope', { scopes: ['service-tokens:manage'] }, 'scopes.0'],
    ['a bad subject', { subject: 'System:Reaper' }, 'subject'],
    ['a too long lifetime', { expires_in: '400d' }, 'expires_in'],
    ['a past expiry', { expires_at: '2026-01-01T00:00:00Z' }, 'expires_at'],
    ['both expiry forms', { expires_in: '1d', expires_at: '2026-02-01T00:00:00Z' }, 'expires_at'],
    ['a server-set field', { created_by: 'someone-else' }, 'created_by'],
  ])('refuses %s with 400 naming the field', async (_label, extra, path) => {
    const response = await h.call('POST', BASE, { body: ciToken(extra) });
    expect(response.status).toBe(400);
    const problem = await problemOf(response);
    expect(problem.errors?.map((error) => error.path)).toContain(path);
    expect(await h.store.list()).toEqual([]);
  });

  it('refuses a body that is not JSON with 415', async () => {
    const response = await h.app.request(BASE, {
      method: 'POST',
      headers: { authorization: 'Bearer admin-static-token', 'content-type': 'text/plain' },
      body: 'subject=x',
    });
    expect(response.status).toBe(415);
  });
});

describe('a created token', () => {
  it('authenticates as a service principal with its scopes, next to the static tokens', async () => {
    const created = await create();
    const response = await whoami(created.token);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({
      subject: 'gitlab-ci-team1',
      groups: ['team1'],
      kind: 'service',
      authenticatedBy: 'service-token',
      scopes: ['environment:create', 'environment:read', 'environment:delete'],
    });
    expect(await (await whoami(DEV_TOKEN)).json()).toMatchObject({
      subject: 'dev@example.com',
      authenticatedBy: 'static-token',
    });
  });

  it('stops working at once when revoked; revoking again is fine', async () => {
    const created = await create();
    const other = await create({ subject: 'gitlab-ci-team2' });
    expect((await whoami(created.token)).status).toBe(200);

    const revoked = await h.call('DELETE', `${BASE}/${created.id}`);
    expect(revoked.status).toBe(204);
    expect(await revoked.text()).toBe('');
    const refused = await whoami(created.token);
    expect(refused.status).toBe(401);
    expect((await problemOf(refused)).detail).toBe('A valid bearer token is required');
    expect((await whoami(other.token)).status).toBe(200);

    h.advance(HOUR);
    expect((await h.call('DELETE', `${BASE}/${created.id}`)).status).toBe(204);
    const view = serviceTokenViewSchema.parse(
      await (await h.call('GET', `${BASE}/${created.id}`)).json(),
    );
    expect(view.revoked_at).toBe('2026-01-15T10:30:00Z');
  });

  it('stops working at its expiry', async () => {
    const created = await create({ expires_in: '2h' });
    h.advance(2 * HOUR - 1);
    expect((await whoami(created.token)).status).toBe(200);
    h.advance(1);
    expect((await whoami(created.token)).status).toBe(401);
  });

  it('with a wrong secret, or once tampered with, is 401 like any bad token', async () => {
    const created = await create();
    const flipped = created.token.endsWith('A') ? 'B' : 'A';
    for (const token of [
      `${created.token.slice(0, -1)}${flipped}`,
      `pst_${'0'.repeat(16)}${created.token.slice(20)}`,
      created.token.slice(0, -1),
      hashServiceToken(created.token),
    ]) {
      const response = await whoami(token);
      expect(response.status).toBe(401);
      expect((await problemOf(response)).detail).toBe('A valid bearer token is required');
    }
  });

  it('cannot manage service tokens, even when its subject is the admin', async () => {
    const created = await create({ subject: ADMIN, scopes: ['environment:read'] });
    for (const [method, path] of [
      ['GET', BASE],
      ['POST', BASE],
      ['GET', `${BASE}/${created.id}`],
      ['DELETE', `${BASE}/${created.id}`],
    ] as const) {
      const response = await h.call(method, path, {
        token: created.token,
        ...(method === 'POST' ? { body: ciToken() } : {}),
      });
      expect(response.status).toBe(403);
    }
    expect((await h.store.get(created.id))?.revoked_at).toBeNull();
    expect(h.audit.records.filter((record) => record.decision === 'deny')).toHaveLength(4);
    expect(h.audit.records.at(-1)).toMatchObject({
      actor: ADMIN,
      actorKind: 'service',
      decision: 'deny',
      policyIds: ['test-scopes'],
    });
  });
});

describe('an authorizer that ignores scopes', () => {
  it('still cannot let a service token manage service tokens', async () => {
    const lax = await createHarness({ ignoreScopes: true });
    try {
      const response = await lax.call('POST', BASE, {
        body: ciToken({ subject: ADMIN, scopes: ['environment:read'] }),
      });
      const { token } = serviceTokenCreatedSchema.parse(await response.json());
      const minted = await lax.call('POST', BASE, { token, body: ciToken() });
      expect(minted.status).toBe(403);
      expect(await lax.store.list()).toHaveLength(1);
    } finally {
      await lax.close();
    }
  });
});

describe('GET /api/v1/service-tokens', () => {
  it('lists every token, revoked ones included, never a token or a hash', async () => {
    const first = await create();
    h.advance(DAY);
    const second = await create({ subject: 'ci-bot@team2.example', groups: [] });
    await h.call('DELETE', `${BASE}/${first.id}`);

    const response = await h.call('GET', BASE);
    expect(response.status).toBe(200);
    const text = await response.text();
    for (const created of [first, second]) {
      expect(text).not.toContain(created.token.slice(21));
      expect(text).not.toContain(hashServiceToken(created.token));
    }
    expect(text).not.toContain('sha256');
    const list = serviceTokenListSchema.parse(JSON.parse(text));
    expect(list.items.map((item) => [item.id, item.subject, item.revoked_at])).toEqual([
      [first.id, 'gitlab-ci-team1', '2026-01-16T10:30:00Z'],
      [second.id, 'ci-bot@team2.example', null],
    ]);
  });

  it('is an empty list at first', async () => {
    expect(await (await h.call('GET', BASE)).json()).toEqual({ items: [] });
  });
});

describe('GET and DELETE /api/v1/service-tokens/:id', () => {
  it('shows one token without its secret', async () => {
    const created = await create();
    const response = await h.call('GET', `${BASE}/${created.id}`);
    expect(response.status).toBe(200);
    const { token: _token, ...view } = created;
    expect(await response.json()).toEqual(view);
  });

  it('is 404 for an unknown id, without echoing a malformed one', async () => {
    for (const method of ['GET', 'DELETE']) {
      const unknown = await h.call(method, `${BASE}/0123456789abcdef`);
      expect(unknown.status).toBe(404);
      expect((await problemOf(unknown)).detail).toBe("service token '0123456789abcdef' not found");
      const pasted = `pst_0123456789abcdef_${'s'.repeat(43)}`;
      const malformed = await h.call(method, `${BASE}/${pasted}`);
      expect(malformed.status).toBe(404);
      expect((await problemOf(malformed)).detail).not.toContain('sss');
    }
  });
});

describe('access', () => {
  it('refuses callers without service-tokens:manage with 403, and audits each deny', async () => {
    const created = await create();
    const before = h.audit.records.length;
    const calls = [
      ['POST', BASE],
      ['GET', BASE],
      ['GET', `${BASE}/${created.id}`],
      ['DELETE', `${BASE}/${created.id}`],
    ] as const;
    for (const [method, path] of calls) {
      const response = await h.call(method, path, {
        token: DEV_TOKEN,
        ...(method === 'POST' ? { body: ciToken() } : {}),
      });
      expect(response.status).toBe(403);
      expect((await problemOf(response)).detail).toBe(
        'dev@example.com may not perform service-tokens:manage on platform',
      );
    }
    expect(h.audit.records.slice(before)).toEqual(
      calls.map((): unknown =>
        expect.objectContaining({
          actor: 'dev@example.com',
          decision: 'deny',
          action: 'service-tokens:manage',
        }),
      ),
    );
    expect(await h.store.list()).toHaveLength(1);
    expect((await whoami(created.token)).status).toBe(200);
  });

  it('refuses anonymous callers with 401', async () => {
    expect((await h.call('GET', BASE, { token: null })).status).toBe(401);
    expect((await h.call('POST', BASE, { token: null, body: ciToken() })).status).toBe(401);
  });

  it('answers 405 with Allow for other methods', async () => {
    const put = await h.call('PUT', BASE, { body: ciToken() });
    expect(put.status).toBe(405);
    expect(put.headers.get('allow')).toBe('GET, POST');
    const patch = await h.call('PATCH', `${BASE}/0123456789abcdef`, { body: {} });
    expect(patch.status).toBe(405);
    expect(patch.headers.get('allow')).toBe('GET, DELETE');
  });
});

describe('schemas', () => {
  it('generate JSON Schema for the OpenAPI document under their ids', () => {
    for (const io of ['input', 'output'] as const) {
      const { schemas } = z.toJSONSchema(z.globalRegistry, {
        io,
        uri: (id) => `#/components/schemas/${id}`,
        unrepresentable: 'any',
      });
      expect(Object.keys(schemas)).toEqual(
        expect.arrayContaining([
          'ServiceToken',
          'ServiceTokenCreate',
          'ServiceTokenCreated',
          'ServiceTokenList',
        ]),
      );
      const ours = ['ServiceToken', 'ServiceTokenCreated', 'ServiceTokenList'].map(
        (id) => schemas[id],
      );
      expect(JSON.stringify(ours)).not.toContain('sha256');
    }
  });
});
