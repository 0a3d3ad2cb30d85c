import { randomBytes } from 'node:crypto';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { UnavailableError } from '../../domain/errors.js';
import {
  newServiceTokenRecord,
  revokedRecord,
} from '../../domain/service-tokens/service-token-rules.js';
import {
  serviceTokenCreateSchema,
  type ServiceTokenRecord,
} from '../../domain/service-tokens/service-token-schema.js';
import {
  formatServiceToken,
  hashServiceToken,
  newServiceTokenParts,
} from '../../domain/service-tokens/token-format.js';
import type { ServiceTokenStore } from '../../ports/service-token-store.js';
import { createServiceTokenAuthenticator } from './service-token-authenticator.js';

const START = new Date('2026-01-15T10:30:00Z');
const DAY = 86_400_000;

function memoryStore(records: ServiceTokenRecord[] = []): ServiceTokenStore & { gets: string[] } {
  const byId = new Map(records.map((record) => [record.id, record]));
  const gets: string[] = [];
  return {
    gets,
    get: (id) => {
      gets.push(id);
      return Promise.resolve(byId.get(id));
    },
    list: () => Promise.resolve([...byId.values()]),
    create: (record) => {
      byId.set(record.id, record);
      return Promise.resolve();
    },
    update: (id, change) => {
      const current = byId.get(id);
      if (!current) return Promise.resolve(undefined);
      const next = change(current);
      byId.set(id, next);
      return Promise.resolve(next);
    },
  };
}

function issue(body: Record<string, unknown> = {}) {
  const token = formatServiceToken(newServiceTokenParts(randomBytes));
  const record = newServiceTokenRecord({
    request: serviceTokenCreateSchema.parse({
      subject: 'gitlab-ci-team1',
      scopes: ['environment:create', 'environment:read'],
      groups: ['team1'],
      expires_in: '30d',
      ...body,
    }),
    id: token.slice(4, 20),
    sha256: hashServiceToken(token),
    createdBy: 'admin@example.com',
    now: START,
  });
  return { token, record };
}

function setup(records: ServiceTokenRecord[]) {
  let now = START.getTime();
  const store = memoryStore(records);
  const authenticator = createServiceTokenAuthenticator({
    store,
    clock: { now: () => new Date(now) },
    logger: pino({ level: 'silent' }),
  });
  return {
    store,
    setNow: (ms: number) => {
      now = ms;
    },
    authenticate: (token: string | undefined) =>
      authenticator.authenticate({
        authorization: token === undefined ? undefined : `Bearer ${token}`,
      }),
  };
}

describe('createServiceTokenAuthenticator', () => {
  const alpha = issue();
  const beta = issue({ subject: 'ci-bot@team2.example', scopes: ['environment:read'], groups: [] });

  it('returns a service principal carrying the subject, groups and scopes', async () => {
    const { authenticate } = setup([alpha.record, beta.record]);
    expect(await authenticate(alpha.token)).toEqual({
      subject: 'gitlab-ci-team1',
      groups: ['team1'],
      kind: 'service',
      authenticatedBy: 'service-token',
      scopes: ['environment:create', 'environment:read'],
    });
    expect(await authenticate(beta.token)).toMatchObject({
      subject: 'ci-bot@team2.example',
      groups: [],
      scopes: ['environment:read'],
    });
  });

  it('returns copies that cannot change the store', async () => {
    const { authenticate } = setup([alpha.record]);
    const principal = await authenticate(alpha.token);
    (principal?.scopes as string[] | undefined)?.push('environment:delete');
    (principal?.groups as string[] | undefined)?.push('platform-admins');
    expect(await authenticate(alpha.token)).toMatchObject({
      scopes: ['environment:create', 'environment:read'],
      groups: ['team1'],
    });
  });

  it('refuses a wrong secret for a known id', async () => {
    const { authenticate } = setup([alpha.record]);
    const wrong = `${alpha.token.slice(0, 21)}${alpha.token.at(21) === 'A' ? 'B' : 'A'}${alpha.token.slice(22)}`;
    expect(wrong).not.toBe(alpha.token);
    expect(await authenticate(wrong)).toBeUndefined();
    // Another token's secret under this id.
    expect(
      await authenticate(`${alpha.token.slice(0, 21)}${beta.token.slice(21)}`),
    ).toBeUndefined();
  });

  it('refuses an unknown id', async () => {
    const { authenticate } = setup([alpha.record]);
    expect(await authenticate(beta.token)).toBeUndefined();
  });

  it('refuses a revoked token', async () => {
    const { authenticate } = setup([revokedRecord(alpha.record, START)]);
    expect(await authenticate(alpha.token)).toBeUndefined();
  });

  it('accepts until just before expiry and refuses from the expiry instant on', async () => {
    const { authenticate, setNow } = setup([alpha.record]);
    const expiry = Date.parse(alpha.record.expires_at);
    expect(expiry).toBe(START.getTime() + 30 * DAY);
    setNow(expiry - 1);
    expect(await authenticate(alpha.token)).toBeDefined();
    setNow(expiry);
    expect(await authenticate(alpha.token)).toBeUndefined();
    setNow(expiry + DAY);
    expect(await authenticate(alpha.token)).toBeUndefined();
  });

  it('does not accept the stored hash as a token', async () => {
    const { authenticate } = setup([alpha.record]);
    expect(await authenticate(alpha.record.sha256)).toBeUndefined();
    expect(await authenticate(`pst_${alpha.record.id}_${alpha.record.sha256}`)).toBeUndefined();
  });

  it.each([
    ['no header', undefined],
    ['a static token', 'alice-secret-token'],
    ['another prefix', `pat_${'0'.repeat(16)}_${'a'.repeat(43)}`],
    ['prefix only', 'pst_'],
    ['short secret', `pst_${'0'.repeat(16)}_${'a'.repeat(42)}`],
    ['upper-case id', `pst_${'A'.repeat(16)}_${'a'.repeat(43)}`],
  ])('returns undefined without a store lookup for %s', async (_label, token) => {
    const { authenticate, store } = setup([alpha.record]);
    expect(await authenticate(token)).toBeUndefined();
    expect(store.gets).toEqual([]);
  });

  it.each([
    ['another scheme', (token: string) => `Basic ${token}`],
    ['two spaces', (token: string) => `Bearer  ${token}`],
    ['trailing text', (token: string) => `Bearer ${token} x`],
  ])('returns undefined for a malformed header (%s)', async (_label, header) => {
    const store = memoryStore([alpha.record]);
    const authenticator = createServiceTokenAuthenticator({ store, clock: { now: () => START } });
    expect(
      await authenticator.authenticate({ authorization: header(alpha.token) }),
    ).toBeUndefined();
    expect(
      await authenticator.authenticate({ authorization: `bearer ${alpha.token}` }),
    ).toBeDefined();
  });

  it('turns a store failure into UnavailableError without detail', async () => {
    const store = memoryStore();
    store.get = () => Promise.reject(new Error('EACCES: /data/service-tokens.json'));
    const authenticator = createServiceTokenAuthenticator({
      store,
      clock: { now: () => START },
      logger: pino({ level: 'silent' }),
    });
    const failure = authenticator.authenticate({ authorization: `Bearer ${alpha.token}` });
    await expect(failure).rejects.toBeInstanceOf(UnavailableError);
    await expect(failure).rejects.toThrow('Authentication is temporarily unavailable');
  });
});
