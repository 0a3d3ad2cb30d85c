import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestPlatform } from '../support/test-platform.js';
import {
  as,
  pageOf,
  problemOf,
  startExamplePlatform,
  writeDynamic,
  writeStatic,
  type Who,
} from './access-helpers.js';

const POOLS = ['koa', 'ai', 'valkyrie', 'edp', 'marine-coders'] as const;
const TYPES = ['dev', 'prod', 'staging', 'sue'] as const;

interface Made {
  readonly name: string;
  readonly pool: string;
  readonly type: string;
}
const made: Made[] = [];

// One platform for the file: the listings only read.
let platform: TestPlatform;
beforeAll(async () => {
  platform = await startExamplePlatform();
  const admin = as(platform, 'admin');
  for (let i = 0; i < 40; i++) {
    // Names interleave the pools, so each page must skip what the caller may not see.
    const pool = POOLS[i % POOLS.length] ?? 'koa';
    const type = TYPES[Math.floor(i / POOLS.length) % TYPES.length] ?? 'dev';
    const name = `e${String(i).padStart(2, '0')}-${pool}`;
    const response = await admin.create(name, type, pool);
    expect(response.status).toBe(201);
    made.push({ name, pool, type });
  }
  // Owned by koa.reader outside koa: readable through the sue creator rule only.
  await writeDynamic(platform, 'e99-sue-reader', {
    type: 'sue',
    pool: 'ai',
    user: 'koa.reader@jppol.example',
  });
  made.push({ name: 'e99-sue-reader', pool: 'ai', type: 'sue' });
  await writeStatic(platform, 'e50-koa-static', { type: 'prod', pool: 'koa' });
  made.push({ name: 'e50-koa-static', pool: 'koa', type: 'prod' });
}, 60_000);
afterAll(async () => {
  await platform.close();
});

/** Every page of a listing, following `next_cursor`, with the page sizes seen. */
async function listAll(
  who: Who,
  query: Record<string, string> = {},
): Promise<{ names: string[]; sizes: number[] }> {
  const names: string[] = [];
  const sizes: number[] = [];
  let cursor: string | null = null;
  for (let round = 0; round < 100; round++) {
    const page = await pageOf(
      await as(platform, who).list({ ...query, ...(cursor === null ? {} : { cursor }) }),
    );
    names.push(...page.items.map((item) => item.environment_name));
    sizes.push(page.items.length);
    cursor = page.next_cursor;
    if (cursor === null) return { names, sizes };
  }
  throw new Error('the listing never ended');
}

const sorted = (names: readonly string[]): string[] =>
  [...names].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
const namesWhere = (keep: (environment: Made) => boolean): string[] =>
  sorted(made.filter(keep).map((environment) => environment.name));

describe('GET /api/v1/environments lists only what the caller may read', () => {
  it('pages a koa collaborator through exactly koa and its own sue environment', async () => {
    const expected = namesWhere(
      (environment) => environment.pool === 'koa' || environment.name === 'e99-sue-reader',
    );
    expect(expected).toHaveLength(10);
    const { names, sizes } = await listAll('koaReader', { limit: '4' });
    expect(names).toEqual(expected);
    expect(new Set(names).size).toBe(names.length);
    expect(sizes).toEqual([4, 4, 2]);
    // Each listed environment is also readable one by one.
    for (const name of names) expect((await as(platform, 'koaReader').get(name)).status).toBe(200);
  });

  it('gives the same set whatever the page size', async () => {
    const whole = await listAll('koaReader', { limit: '500' });
    expect(whole.sizes).toEqual([10]);
    for (const limit of ['1', '3', '7', '10']) {
      const { names, sizes } = await listAll('koaReader', { limit });
      expect(names).toEqual(whole.names);
      expect(sizes.slice(0, -1).every((size) => size === Number(limit))).toBe(true);
    }
  });

  it('hides clearance-gated types from an uncleared Valkyrie developer', async () => {
    const { names } = await listAll('valDev', { limit: '3' });
    expect(names).toEqual(
      namesWhere(
        (environment) =>
          environment.pool === 'valkyrie' && !['prod', 'staging'].includes(environment.type),
      ),
    );
    const cleared = await listAll('valCleared', { limit: '3' });
    expect(cleared.names).toEqual(namesWhere((environment) => environment.pool === 'valkyrie'));
    expect(cleared.names.length).toBeGreaterThan(names.length);
  });

  it('lists by IdP group, by service account, and everything for an admin', async () => {
    expect((await listAll('marine', { limit: '2' })).names).toEqual(
      namesWhere((environment) => environment.pool === 'marine-coders'),
    );
    expect((await listAll('edpCi', { limit: '5' })).names).toEqual(
      namesWhere((environment) => environment.pool === 'edp'),
    );
    const everything = await listAll('adminByGroup', { limit: '9' });
    expect(everything.names).toEqual(sorted(made.map((environment) => environment.name)));
    expect(everything.names).toHaveLength(42);
  });

  it('combines the filters with the access rules', async () => {
    expect((await listAll('koaReader', { type: 'sue', limit: '2' })).names).toEqual(
      namesWhere(
        (environment) =>
          environment.type === 'sue' &&
          (environment.pool === 'koa' || environment.name === 'e99-sue-reader'),
      ),
    );
    expect((await listAll('koaReader', { pool: 'ai' })).names).toEqual(['e99-sue-reader']);
    expect((await listAll('koaReader', { pool: 'valkyrie' })).names).toEqual([]);
  });

  it('shows nothing to a caller outside the model, and says so on the first page', async () => {
    const page = await pageOf(await as(platform, 'stranger').list({ limit: '4' }));
    expect(page).toEqual({ items: [], next_cursor: null });
  });

  it('does not let a cursor reveal more than the caller may read', async () => {
    const first = await pageOf(await as(platform, 'koaReader').list({ limit: '1' }));
    expect(first.next_cursor).not.toBeNull();
    // Another caller continuing from the same cursor still sees only their own.
    const names = (await listAll('marine', { cursor: first.next_cursor ?? '' })).names;
    expect(names.every((name) => name.endsWith('-marine-coders'))).toBe(true);
  });

  it('answers 400 for a bad limit', async () => {
    const problem = await problemOf(await as(platform, 'koaReader').list({ limit: '0' }), 400);
    expect(problem.errors?.[0]?.path).toBe('limit');
  });
});
