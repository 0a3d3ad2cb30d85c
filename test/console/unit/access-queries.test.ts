import { describe, expect, it } from 'vitest';
import { explainQuerySchema } from '../../../src/api/schemas/access.js';
import { whoCanQuerySchema } from '../../../src/api/schemas/access-compiler.js';
import { ACTIONS, ACTION_RESOURCE_KIND } from '../../../src/domain/policy/actions.js';
import {
  accessHref,
  explainFieldOf,
  explainFormFrom,
  explainQueryOf,
  whoCanQueryFrom,
  type ExplainForm,
} from '../../../console/src/format/access-queries.js';
import { scopeOf } from '../../../console/src/format/grant-scope.js';
import { absoluteTime, timeAgo } from '../../../console/src/format/time-ago.js';

const me = { subject: 'koa.dev@jppol.example', kind: 'user' as const };
const blank: ExplainForm = {
  action: '',
  name: '',
  pool: '',
  type: '',
  principal: '',
  groups: '',
};

describe('explainQueryOf (the explain form → GET /api/v1/access/explain)', () => {
  it('asks about a create with the pool and type the environment would have', () => {
    const form = {
      ...blank,
      action: 'environment:create',
      name: 'koa-x',
      pool: 'koa',
      type: 'dev',
    };
    expect(explainQueryOf(form, me)).toEqual({
      query: {
        action: 'environment:create',
        resource: 'environment/koa-x',
        pool: 'koa',
        type: 'dev',
      },
    });
  });

  it('asks about an existing environment by name only', () => {
    const form = {
      ...blank,
      action: 'environment:delete',
      name: 'koa-x',
      pool: 'ignored',
      type: 'x',
    };
    expect(explainQueryOf(form, me)).toEqual({
      query: { action: 'environment:delete', resource: 'environment/koa-x' },
    });
  });

  it('names the platform, or the principal explained, from the action', () => {
    expect(explainQueryOf({ ...blank, action: 'audit:read' }, me)).toEqual({
      query: { action: 'audit:read', resource: 'platform' },
    });
    expect(explainQueryOf({ ...blank, action: 'access:explain' }, me)).toEqual({
      query: { action: 'access:explain', resource: 'user/koa.dev@jppol.example' },
    });
    expect(
      explainQueryOf({ ...blank, action: 'access:explain', principal: 'service:ci' }, me),
    ).toEqual({
      query: { action: 'access:explain', resource: 'service/ci', principal: 'service:ci' },
    });
  });

  it('asks as someone else with the IdP groups given (platform admins)', () => {
    const form = {
      ...blank,
      action: 'environment:update',
      name: 'koa-x',
      principal: 'user:anna@example.com',
      groups: 'koa-developer, IL2 Authorized',
    };
    const answer = explainQueryOf(form, me);
    expect(answer).toEqual({
      query: {
        action: 'environment:update',
        resource: 'environment/koa-x',
        principal: 'user:anna@example.com',
        groups: 'koa-developer, IL2 Authorized',
      },
    });
    expect('query' in answer && explainQuerySchema.safeParse(answer.query).success).toBe(true);
  });

  it('says what is missing next to the field instead of asking', () => {
    expect(explainQueryOf(blank, me)).toEqual({ errors: { action: 'choose an action' } });
    expect(explainQueryOf({ ...blank, action: 'environment:create' }, me)).toEqual({
      errors: {
        name: 'give the environment’s name',
        pool: 'a create needs the pool',
        type: 'a create needs the type',
      },
    });
  });

  it('builds, for every action, a query the API schema accepts with a resource of its kind', () => {
    for (const action of ACTIONS) {
      const answer = explainQueryOf(
        { ...blank, action, name: 'koa-x', pool: 'koa', type: 'dev' },
        me,
      );
      if (!('query' in answer)) throw new Error(`${action}: ${JSON.stringify(answer.errors)}`);
      expect(explainQuerySchema.safeParse(answer.query).success, action).toBe(true);
      const kind = ACTION_RESOURCE_KIND[action];
      const prefix = { environment: 'environment/', platform: 'platform', principal: 'user/' }[
        kind
      ];
      expect(answer.query.resource.startsWith(prefix), action).toBe(true);
    }
  });

  it('reads the form back from the URL it was put in', () => {
    const href = accessHref(new URLSearchParams('tool=argocd&level=write'), {
      action: 'environment:create',
      name: 'koa-x',
      pool: 'koa',
      type: 'dev',
      principal: '',
      groups: '',
    });
    const url = new URL(href, 'http://console.test');
    expect(url.pathname).toBe('/access');
    expect(explainFormFrom(url.searchParams)).toEqual({
      action: 'environment:create',
      name: 'koa-x',
      pool: 'koa',
      type: 'dev',
      principal: '',
      groups: '',
    });
    // The other sections' questions stay in the URL.
    expect(url.searchParams.get('tool')).toBe('argocd');
  });

  it('puts the server’s field errors next to the form’s fields', () => {
    expect(explainFieldOf('resource')).toBe('name');
    expect(explainFieldOf('pool')).toBe('pool');
    expect(explainFieldOf('groups')).toBe('groups');
    expect(explainFieldOf('cursor')).toBeUndefined();
  });
});

describe('whoCanQueryFrom', () => {
  it('is absent until the URL asks, and passes what it has to the API', () => {
    expect(whoCanQueryFrom(new URLSearchParams('action=audit:read'))).toBeUndefined();
    const query = whoCanQueryFrom(new URLSearchParams('tool=argocd&level=write&namespace=koa-dev'));
    expect(query).toEqual({ tool: 'argocd', level: 'write', namespace: 'koa-dev' });
    expect(whoCanQuerySchema.safeParse(query).success).toBe(true);
    expect(whoCanQueryFrom(new URLSearchParams('tool=argocd&level=write&namespace='))).toEqual({
      tool: 'argocd',
      level: 'write',
    });
  });

  it('sends an unknown level on, for the server to refuse with its reason', () => {
    const query = whoCanQueryFrom(new URLSearchParams('tool=argocd&level=owner'));
    expect(query?.level).toBe('owner');
    expect(whoCanQuerySchema.safeParse(query).success).toBe(false);
  });
});

describe('accessHref', () => {
  it('replaces and removes only the parameters given', () => {
    const current = new URLSearchParams('user=a%40example.com&tool=argocd&level=read');
    expect(accessHref(current, { tool: 'grafana', namespace: '' })).toBe(
      '/access?user=a%40example.com&tool=grafana&level=read',
    );
    expect(accessHref(current, { user: '' }, ['tool', 'level'])).toBe('/access');
  });
});

describe('scopeOf (where a grant applies)', () => {
  it('lists the places a grant names, in a fixed order', () => {
    expect(scopeOf({ namespace: 'koa-dev', product: 'koa' })).toBe(
      'product koa, namespace koa-dev',
    );
    expect(scopeOf({ repository: 'jppol-idp/apps-koa', cluster: '' })).toBe(
      'repository jppol-idp/apps-koa',
    );
    expect(scopeOf({})).toBe('everywhere');
  });
});

describe('timeAgo and absoluteTime', () => {
  const now = Date.parse('2026-12-07T05:10:00Z');
  it.each([
    ['2026-12-07T05:10:00Z', 'now'],
    ['2026-12-07T05:09:52Z', '8 seconds ago'],
    ['2026-12-07T05:05:00Z', '5 minutes ago'],
    ['2026-12-07T03:00:00Z', '2 hours ago'],
    ['2026-12-06T05:00:00Z', 'yesterday'],
    ['2026-12-04T05:00:00Z', '3 days ago'],
    ['2026-12-07T07:10:00Z', 'in 2 hours'],
  ])('%s reads %s', (instant, text) => {
    expect(timeAgo(instant, now)).toBe(text);
  });

  it('shows the UTC time to the second, and text that is not a time as it is', () => {
    expect(absoluteTime('2026-12-07T06:01:02.345+01:00')).toBe('2026-12-07 05:01:02 UTC');
    expect(absoluteTime('soon')).toBe('soon');
    expect(timeAgo('soon', now)).toBe('soon');
  });
});
