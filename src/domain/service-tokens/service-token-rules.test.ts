import { describe, expect, it } from 'vitest';
import {
  escalationProblems,
  newServiceTokenRecord,
  revokedRecord,
  serviceTokenExpiry,
  toServiceTokenView,
  unusableReason,
} from './service-token-rules.js';
import {
  GRANTABLE_SCOPES,
  serviceTokenCreateSchema,
  serviceTokenRecordSchema,
  serviceTokenViewSchema,
} from './service-token-schema.js';
import { problemsOf } from '../../../test/support/thrown.js';

const NOW = new Date('2026-01-15T10:30:00Z');
const DAY = 86_400_000;

const parse = (body: Record<string, unknown>) =>
  serviceTokenCreateSchema.safeParse({
    subject: 'gitlab-ci',
    scopes: ['environment:read'],
    ...body,
  });

describe('serviceTokenCreateSchema', () => {
  it('accepts a minimal body and defaults groups to none', () => {
    const parsed = parse({});
    expect(parsed.success && parsed.data).toEqual({
      subject: 'gitlab-ci',
      scopes: ['environment:read'],
      groups: [],
    });
  });

  it.each(['gitlab-ci-team1', 'ci', 'ci-bot@team1.example', 'deploy+prod@ci.company.com'])(
    'accepts the subject %s',
    (subject) => {
      expect(parse({ subject }).success).toBe(true);
    },
  );

  it.each([
    '',
    'GitLab-CI',
    'system:reaper',
    'team1/ci',
    'ci bot',
    '-ci',
    'ci@',
    '@example.com',
    'ci@exa_mple.com',
    'ci\u0000bot',
    'a'.repeat(64),
    `${'a'.repeat(65)}@example.com`,
  ])('refuses the subject %j', (subject) => {
    expect(parse({ subject }).success).toBe(false);
  });

  it('accepts every action but service-tokens:manage as a scope', () => {
    expect(GRANTABLE_SCOPES).not.toContain('service-tokens:manage');
    expect(GRANTABLE_SCOPES).toContain('environment:create');
    expect(parse({ scopes: [...GRANTABLE_SCOPES] }).success).toBe(true);
    expect(parse({ scopes: ['service-tokens:manage'] }).success).toBe(false);
  });

  it.each([
    ['none', []],
    ['unknown', ['environment:destroy']],
    ['wildcard', ['*']],
    ['repeated', ['environment:read', 'environment:read']],
  ])('refuses scopes: %s', (_label, scopes) => {
    expect(parse({ scopes }).success).toBe(false);
  });

  it('refuses bad groups and descriptions, unknown fields and both expiry forms', () => {
    expect(parse({ groups: ['team 1'] }).success).toBe(false);
    expect(parse({ groups: ['a', 'a'] }).success).toBe(false);
    expect(parse({ groups: Array.from({ length: 33 }, (_, i) => `g${i}`) }).success).toBe(false);
    expect(parse({ description: 'CI of team1\u001b[31m' }).success).toBe(false);
    expect(parse({ description: 'x'.repeat(257) }).success).toBe(false);
    expect(parse({ sha256: 'a'.repeat(64) }).success).toBe(false);
    expect(parse({ token: 'pst_x' }).success).toBe(false);
    const both = parse({ expires_in: '30d', expires_at: '2026-02-01T00:00:00Z' });
    expect(both.success).toBe(false);
    expect(both.error?.issues[0]?.path).toEqual(['expires_at']);
    expect(parse({ expires_in: '30 days' }).success).toBe(false);
    expect(parse({ expires_at: 'tomorrow' }).success).toBe(false);
  });
});

describe('serviceTokenExpiry', () => {
  it('defaults to 90 days', () => {
    expect(serviceTokenExpiry({}, NOW)).toEqual(new Date(NOW.getTime() + 90 * DAY));
  });

  it('takes expires_in up to 365 days and refuses more', () => {
    expect(serviceTokenExpiry({ expires_in: '30d' }, NOW)).toEqual(
      new Date(NOW.getTime() + 30 * DAY),
    );
    expect(serviceTokenExpiry({ expires_in: '365d' }, NOW)).toEqual(
      new Date(NOW.getTime() + 365 * DAY),
    );
    expect(problemsOf(() => serviceTokenExpiry({ expires_in: '366d' }, NOW))).toEqual([
      { path: 'expires_in', message: 'must be at most 365d' },
    ]);
  });

  it('takes expires_at in the future, at most 365 days ahead', () => {
    expect(serviceTokenExpiry({ expires_at: '2026-02-01T12:00:00+02:00' }, NOW)).toEqual(
      new Date('2026-02-01T10:00:00Z'),
    );
    expect(problemsOf(() => serviceTokenExpiry({ expires_at: NOW.toISOString() }, NOW))).toEqual([
      { path: 'expires_at', message: 'must be in the future' },
    ]);
    expect(
      problemsOf(() => serviceTokenExpiry({ expires_at: '2027-01-15T10:30:01Z' }, NOW)),
    ).toEqual([{ path: 'expires_at', message: 'must be at most 365d ahead' }]);
  });
});

describe('records', () => {
  const request = serviceTokenCreateSchema.parse({
    subject: 'gitlab-ci',
    scopes: ['environment:create', 'environment:read'],
    groups: ['team1'],
    expires_in: '30d',
    description: 'team1 pipelines',
  });
  const record = newServiceTokenRecord({
    request,
    id: '0123456789abcdef',
    sha256: 'a'.repeat(64),
    createdBy: 'admin@example.com',
    now: NOW,
  });

  it('builds a valid record with the expiry decided and no revocation', () => {
    expect(record).toEqual({
      id: '0123456789abcdef',
      subject: 'gitlab-ci',
      scopes: ['environment:create', 'environment:read'],
      groups: ['team1'],
      description: 'team1 pipelines',
      created_at: '2026-01-15T10:30:00Z',
      created_by: 'admin@example.com',
      expires_at: '2026-02-14T10:30:00Z',
      revoked_at: null,
      sha256: 'a'.repeat(64),
    });
    expect(serviceTokenRecordSchema.parse(record)).toEqual(record);
  });

  it('leaves the hash out of the view', () => {
    const view = toServiceTokenView(record);
    expect(view).not.toHaveProperty('sha256');
    expect(serviceTokenViewSchema.parse(view)).toEqual(view);
    expect(() => serviceTokenViewSchema.parse(record)).toThrow();
  });

  it('keeps the first revocation time', () => {
    const revoked = revokedRecord(record, NOW);
    expect(revoked.revoked_at).toBe('2026-01-15T10:30:00Z');
    expect(revokedRecord(revoked, new Date(NOW.getTime() + DAY)).revoked_at).toBe(
      '2026-01-15T10:30:00Z',
    );
    expect(record.revoked_at).toBeNull();
  });

  it('is usable strictly before expiry and never after revocation', () => {
    const expiry = new Date(record.expires_at);
    expect(unusableReason(record, NOW)).toBeUndefined();
    expect(unusableReason(record, new Date(expiry.getTime() - 1))).toBeUndefined();
    expect(unusableReason(record, expiry)).toBe('expired');
    expect(unusableReason(revokedRecord(record, NOW), NOW)).toBe('revoked');
  });
});

describe('escalationProblems', () => {
  const request = {
    scopes: ['environment:read', 'environment:create'] as const,
    groups: ['team1'],
  };

  it('lets an unscoped caller grant anything', () => {
    expect(escalationProblems({ groups: [] }, { ...request, scopes: [...request.scopes] })).toEqual(
      [],
    );
  });

  it('keeps a scoped caller from granting what it does not hold', () => {
    expect(
      escalationProblems(
        { scopes: ['environment:read'], groups: ['team2'] },
        { ...request, scopes: [...request.scopes] },
      ),
    ).toEqual([
      { path: 'scopes', message: 'the caller does not hold environment:create' },
      { path: 'groups', message: 'the caller is not in team1' },
    ]);
    expect(
      escalationProblems(
        { scopes: ['environment:read', 'environment:create'], groups: ['team1', 'team2'] },
        { ...request, scopes: [...request.scopes] },
      ),
    ).toEqual([]);
  });
});
